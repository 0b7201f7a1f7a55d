using k8s;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Runs on every replica (no leader election: the Secret writes' preconditions make concurrent checks safe). At
/// start it creates the certificates if no replica has yet and the ClusterTriggerAuthentication if missing; then it
/// wakes at the next renewal time (two-thirds of a certificate's validity), when a previous CA expires, or at
/// <see cref="CertificateOptions.CheckInterval"/>, whichever comes first. Its clock is the keyed
/// <see cref="SecurityHostingExtensions.ClockKey"/> <see cref="TimeProvider"/>, so tests can move certificate time
/// without moving Orleans'.
/// </summary>
internal sealed partial class CertificateRotator(
    IKubernetes client,
    IOptions<CertificateOptions> options,
    IOptions<ProvisioningOptions> provisioning,
    [FromKeyedServices(SecurityHostingExtensions.ClockKey)] TimeProvider clock,
    ILogger<CertificateRotator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var ns = provisioning.Value.ScalerNamespace;
        var planner = new CertificatePlanner(settings, CertificateAuthority.ServiceDnsNames(provisioning.Value.ScalerServiceName, ns));
        var renewal = new CertificateRenewal(new CertificateSecretStore(client, ns), planner, settings);
        var authentication = new TriggerAuthenticationWriter(client, provisioning.Value.AuthenticationName, settings.ServerSecretName, settings.ClientSecretName);
        var authenticationEnsured = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = clock.GetUtcNow() + settings.RetryDelay;
            try
            {
                var result = await renewal.RenewAsync(clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (result is null)
                {
                    Log.KeptLosingRaces(logger, ns, CertificateRenewal.MaxAttempts, settings.RetryDelay);
                }
                else
                {
                    Report(result, ns);
                    next = result.Plan.NextCheck;
                }

                if (!authenticationEnsured)
                {
                    var outcome = await authentication.EnsureAsync(stoppingToken).ConfigureAwait(false);
                    Log.AuthenticationEnsured(logger, provisioning.Value.AuthenticationName, outcome);
                    authenticationEnsured = true;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.CheckFailed(logger, ns, settings.RetryDelay, e);
                next = clock.GetUtcNow() + settings.RetryDelay;
            }

            var wait = next - clock.GetUtcNow();
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Report(CertificateRenewalResult result, string ns)
    {
        var plan = result.Plan;
        if (result.Wrote)
        {
            Log.Stored(logger, ns, plan.Changes, plan.Ca.Thumbprint, plan.Bundle.Count, plan.NextCheck);
        }
        else
        {
            Log.Current(logger, ns, plan.Ca.Thumbprint, plan.NextCheck);
        }

        if (result.LostRaces > 0)
        {
            Log.AdoptedAfterRace(logger, ns, result.LostRaces);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Stored certificates in namespace {Namespace} (issued: {Changes}); CA {CaThumbprint}, {TrustedCas} CA(s) trusted; next check {NextCheck:o}")]
        public static partial void Stored(ILogger logger, string @namespace, CertificateChanges changes, string caThumbprint, int trustedCas, DateTimeOffset nextCheck);

        [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Certificates in namespace {Namespace} are current (CA {CaThumbprint}); next check {NextCheck:o}")]
        public static partial void Current(ILogger logger, string @namespace, string caThumbprint, DateTimeOffset nextCheck);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Another replica wrote the certificate Secrets in namespace {Namespace} first ({Races} time(s)); adopted what it stored")]
        public static partial void AdoptedAfterRace(ILogger logger, string @namespace, int races);

        [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Lost {Attempts} races in a row writing the certificate Secrets in namespace {Namespace}; trying again in {Delay}")]
        public static partial void KeptLosingRaces(ILogger logger, string @namespace, int attempts, TimeSpan delay);

        [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Checking the certificate Secrets in namespace {Namespace} failed; trying again in {Delay}")]
        public static partial void CheckFailed(ILogger logger, string @namespace, TimeSpan delay, Exception exception);

        [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "ClusterTriggerAuthentication {Name}: {Outcome}")]
        public static partial void AuthenticationEnsured(ILogger logger, string name, string outcome);
    }
}
