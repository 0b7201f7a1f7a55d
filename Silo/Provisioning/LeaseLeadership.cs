using System.Net;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Options;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Runs work only while this process holds a <c>coordination.k8s.io/v1</c> Lease, through KubernetesClient's
/// <see cref="LeaderElector"/> (client-go's algorithm): the work gets a token that is cancelled the moment a renewal
/// fails for the renew deadline — before the lease expires, so two replicas never write at once — and the process
/// then competes for the Lease again. On a clean shutdown the Lease is emptied so a successor need not wait.
/// </summary>
internal sealed partial class LeaseLeadership
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LeaseLeadership> _logger;
    private volatile bool _isLeader;

    public LeaseLeadership(
        IKubernetes client,
        IOptions<LeaderElectionOptions> options,
        IOptions<ProvisioningOptions> provisioning,
        TimeProvider time,
        ILogger<LeaseLeadership> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provisioning);
        _client = client;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Identity = LeaderElectionOptions.ResolveIdentity(_options.Identity, Environment.GetEnvironmentVariable);
        LeaseNamespace = string.IsNullOrWhiteSpace(_options.LeaseNamespace) ? provisioning.Value.ScalerNamespace : _options.LeaseNamespace;
        LeaseName = _options.LeaseName;
    }

    /// <summary>This process's <c>holderIdentity</c>.</summary>
    public string Identity { get; }

    public string LeaseNamespace { get; }

    public string LeaseName { get; }

    /// <summary>True while this process holds the Lease and its work runs.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>
    /// Competes for the Lease until <paramref name="stoppingToken"/> is cancelled, running <paramref name="lead"/>
    /// during each term with a token cancelled when the term ends; a term's work has finished before the next begins.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var config = new LeaderElectionConfig(new LeaseLock(_client, LeaseNamespace, LeaseName, Identity))
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        Log.Competing(_logger, LeaseNamespace, LeaseName, Identity);
        var everLed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            using var elector = new LeaderElector(config);

            // One token per attempt: the term's work stops with it, and so does the elector's background renewal,
            // which KubernetesClient would otherwise leave retrying after it reported the loss.
            using var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            Task? work = null;
            elector.OnStartedLeading += () =>
            {
                _isLeader = true;
                everLed = true;
                Log.StartedLeading(_logger, LeaseNamespace, LeaseName, Identity);
                work = Task.Run(() => lead(round.Token), CancellationToken.None);
            };
            elector.OnStoppedLeading += () =>
            {
                _isLeader = false;
                round.Cancel();
            };
            elector.OnNewLeader += leader => Log.NewLeader(_logger, LeaseNamespace, LeaseName, leader ?? "");
            elector.OnError += e => Log.ElectionError(_logger, LeaseNamespace, LeaseName, e?.Message ?? "");
            var failed = false;
            try
            {
                await elector.RunUntilLeadershipLostAsync(round.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (round.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // While acquiring, KubernetesClient lets transport errors (connection refused, client timeouts) escape;
                // a standby must keep competing through an API server outage, not stop the host.
                Log.ElectionError(_logger, LeaseNamespace, LeaseName, e.Message);
                failed = true;
            }
            finally
            {
                _isLeader = false;
                await round.CancelAsync().ConfigureAwait(false);
            }

            if (work is not null)
            {
                await EndTermAsync(work).ConfigureAwait(false);
                if (!stoppingToken.IsCancellationRequested)
                {
                    Log.LostLeadership(_logger, LeaseNamespace, LeaseName, Identity);
                }
            }

            if (failed)
            {
                await DelayAsync(_options.RetryPeriod, stoppingToken).ConfigureAwait(false);
            }
        }

        if (everLed && _options.ReleaseOnShutdown)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task EndTermAsync(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.WorkFailed(_logger, e);
        }
    }

    /// <summary>
    /// Empties the Lease if we still hold it, as client-go's <c>release()</c> does: holder <c>""</c>, duration 1 s.
    /// KubernetesClient electors (and client-go) treat an empty holder as free and take it at their next retry.
    /// </summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(_options.RenewDeadline);
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
                if (lease.Spec?.HolderIdentity != Identity)
                {
                    return;
                }

                var now = _time.GetUtcNow().UtcDateTime;
                lease.Spec.HolderIdentity = "";
                lease.Spec.LeaseDurationSeconds = 1;
                lease.Spec.AcquireTime = now;
                lease.Spec.RenewTime = now;
                try
                {
                    await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, LeaseName, LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
                    Log.Released(_logger, LeaseNamespace, LeaseName);
                    return;
                }
                catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict)
                {
                    // A renewal still in flight moved the resourceVersion; read again.
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ReleaseFailed(_logger, LeaseNamespace, LeaseName, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Competing for the Lease {Namespace}/{Name} as {Identity}")]
        public static partial void Competing(ILogger logger, string @namespace, string name, string identity);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Holding the Lease {Namespace}/{Name} as {Identity}: provisioning ScaledObjects")]
        public static partial void StartedLeading(ILogger logger, string @namespace, string name, string identity);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Lost the Lease {Namespace}/{Name} ({Identity} could not renew it): stopped provisioning")]
        public static partial void LostLeadership(ILogger logger, string @namespace, string name, string identity);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "The Lease {Namespace}/{Name} is held by {Leader}")]
        public static partial void NewLeader(ILogger logger, string @namespace, string name, string leader);

        [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Leader election on the Lease {Namespace}/{Name} failed: {Error}")]
        public static partial void ElectionError(ILogger logger, string @namespace, string name, string error);

        [LoggerMessage(EventId = 1206, Level = LogLevel.Information, Message = "Released the Lease {Namespace}/{Name} on shutdown")]
        public static partial void Released(ILogger logger, string @namespace, string name);

        [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "Could not release the Lease {Namespace}/{Name} on shutdown ({Error}); the next leader waits for it to expire")]
        public static partial void ReleaseFailed(ILogger logger, string @namespace, string name, string error);

        [LoggerMessage(EventId = 1208, Level = LogLevel.Error, Message = "The leader's work failed; competing for the Lease again")]
        public static partial void WorkFailed(ILogger logger, Exception exception);
    }
}
