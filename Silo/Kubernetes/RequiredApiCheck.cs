using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Options;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>
/// Before anything else starts in Kubernetes mode, asks API discovery whether the kinds the scaler relies on are
/// served — InferenceSet (<c>kaito.sh</c>) and ScaledObject (<c>keda.sh/v1alpha1</c>) — the way the Go scaler
/// checks, and stops start-up with a message naming what is missing (SPEC.md §7: fail fast). Discovery needs no
/// extra RBAC, unlike reading the CRD objects.
/// </summary>
internal sealed partial class RequiredApiCheck(IKubernetes client, IOptions<KubernetesOptions> options, ILogger<RequiredApiCheck> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        (string Group, string Version, string Kind, string Installs)[] required =
        [
            ("kaito.sh", options.Value.KaitoApiVersion, "InferenceSet", "KAITO (the InferenceSet CRD)"),
            ("kaito.sh", options.Value.KaitoApiVersion, "Workspace", "KAITO (the Workspace CRD)"),
            ("keda.sh", "v1alpha1", "ScaledObject", "KEDA (the ScaledObject CRD)"),
        ];
        var missing = new List<string>();
        foreach (var (group, version, kind, installs) in required)
        {
            if (!await IsServedAsync(group, version, kind, cancellationToken).ConfigureAwait(false))
            {
                missing.Add($"{kind} ({group}/{version}) — install {installs}");
            }
        }

        if (missing.Count > 0)
        {
            throw new KubernetesStartupException(
                $"the Kubernetes API at {client.BaseUri} does not serve what the scaler needs: {string.Join("; ", missing)}");
        }

        Log.ApisPresent(logger, client.BaseUri);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<bool> IsServedAsync(string group, string version, string kind, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.CustomObjects.GetAPIResourcesWithHttpMessagesAsync(group, version, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Body.Resources?.Any(r => r.Kind == kind && !r.Name.Contains('/', StringComparison.Ordinal)) == true;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new KubernetesStartupException(
                $"cannot read API discovery for {group}/{version} from the Kubernetes API at {client.BaseUri}: {e.Message} " +
                "(check --kubeconfig / KUBECONFIG, or the pod's service account)", e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "The Kubernetes API at {Server} serves InferenceSets, Workspaces and ScaledObjects")]
        public static partial void ApisPresent(ILogger logger, Uri server);
    }
}
