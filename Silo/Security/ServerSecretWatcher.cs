using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Feeds <see cref="ServerCredentials"/> from a list+watch of the server Secret alone (a <c>metadata.name</c> field
/// selector, so RBAC can restrict list and watch to that name): every replica picks up a renewal written by any
/// replica within a watch event. A watch that ends resumes from the last resourceVersion; <c>410 Gone</c> lists
/// again; errors wait <see cref="CertificateOptions.RetryDelay"/>.
/// </summary>
internal sealed partial class ServerSecretWatcher(
    IKubernetes client,
    IOptions<CertificateOptions> options,
    IOptions<ProvisioningOptions> provisioning,
    ServerCredentials credentials,
    TimeProvider time,
    ILogger<ServerSecretWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ShortestHealthyWatch = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var name = options.Value.ServerSecretName;
        var ns = provisioning.Value.ScalerNamespace;
        var selector = $"metadata.name={name}";
        string? resourceVersion = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: selector, cancellationToken: stoppingToken).ConfigureAwait(false);
                    foreach (var secret in list.Items)
                    {
                        Apply(secret);
                    }

                    resourceVersion = list.Metadata.ResourceVersion;
                }

                var expired = false;
                var started = time.GetTimestamp();
                var received = 0;
                var events = client.CoreV1.WatchListNamespacedSecretAsync(
                    ns,
                    allowWatchBookmarks: true,
                    fieldSelector: selector,
                    resourceVersion: resourceVersion,
                    timeoutSeconds: (int)WatchTimeout.TotalSeconds,
                    onError: e => expired |= e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone },
                    cancellationToken: stoppingToken);
                await foreach (var (type, secret) in events.ConfigureAwait(false))
                {
                    received++;
                    resourceVersion = secret.Metadata?.ResourceVersion ?? resourceVersion;
                    if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        Apply(secret);
                    }
                }

                if (expired)
                {
                    resourceVersion = null;
                }
                else if (received == 0 && time.GetElapsedTime(started) < ShortestHealthyWatch)
                {
                    // A server that ends watches at once must not be asked again in a tight loop.
                    await Task.Delay(options.Value.RetryDelay, time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone)
            {
                resourceVersion = null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.WatchFailed(logger, ns, name, options.Value.RetryDelay, e);
                try
                {
                    await Task.Delay(options.Value.RetryDelay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Apply(V1Secret secret)
    {
        var version = secret.Metadata?.ResourceVersion ?? "";
        if (version == credentials.Version)
        {
            return;
        }

        // A deleted or emptied Secret keeps the credentials in use: the renewal check writes it again.
        var problem = credentials.Load(secret.Data, version);
        if (problem is null)
        {
            var loaded = credentials.ServerCertificate!;
            Log.Loaded(logger, secret.Metadata?.NamespaceProperty ?? "", secret.Metadata?.Name ?? "", version, loaded.SerialNumber, loaded.NotAfter);
        }
        else
        {
            Log.Unusable(logger, secret.Metadata?.NamespaceProperty ?? "", secret.Metadata?.Name ?? "", version, problem);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "Loaded the gRPC server certificate from Secret {Namespace}/{Name} at resourceVersion {Version}: serial {Serial}, valid until {NotAfter}")]
        public static partial void Loaded(ILogger logger, string @namespace, string name, string version, string serial, DateTime notAfter);

        [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "Secret {Namespace}/{Name} at resourceVersion {Version} has no usable server certificate yet ({Problem}); keeping the current one")]
        public static partial void Unusable(ILogger logger, string @namespace, string name, string version, string problem);

        [LoggerMessage(EventId = 1412, Level = LogLevel.Warning, Message = "Watching Secret {Namespace}/{Name} failed; retrying in {Delay}")]
        public static partial void WatchFailed(ILogger logger, string @namespace, string name, TimeSpan delay, Exception exception);
    }
}
