using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansKaitoScaler.KubernetesApiDouble;
using OrleansKaitoScaler.Silo.Membership;

namespace OrleansKaitoScaler.Silo.Tests.Membership;

/// <summary>
/// The wire-level API double and membership tables talking to it through real KubernetesClients — each table its
/// own client, as each silo has — for one Orleans cluster id per test.
/// </summary>
internal sealed class MembershipApi : IAsyncDisposable
{
    public const string Namespace = "orleans";

    private readonly string _directory;
    private readonly List<IKubernetes> _clients = [];

    private MembershipApi(KubernetesApiServerDouble api, string directory)
    {
        Api = api;
        _directory = directory;
        Kubeconfig = api.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
    }

    public KubernetesApiServerDouble Api { get; }

    public string Kubeconfig { get; }

    /// <summary>A fresh cluster id per test, as Orleans' own table tests use (<c>test-&lt;guid&gt;</c>).</summary>
    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N");

    public static async Task<MembershipApi> StartAsync() =>
        new(await KubernetesApiServerDouble.StartAsync(), Directory.CreateTempSubdirectory("oks-membership-").FullName);

    /// <summary>A new API client, as a separate silo process would have.</summary>
    public IKubernetes Client(params DelegatingHandler[] handlers)
    {
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig), handlers);
        _clients.Add(client);
        return client;
    }

    public static KubernetesMembershipOptions Options() => new() { Namespace = Namespace, MaxConflictRetries = 3 };

    /// <summary>An initialised table of this cluster (or <paramref name="clusterId"/>) with its own client.</summary>
    public async Task<KubernetesMembershipTable> TableAsync(KubernetesMembershipOptions? options = null, string? clusterId = null, PausingHandler? pausing = null)
    {
        var table = Table(options, clusterId, pausing);
        await table.InitializeMembershipTable(tryInitTableVersion: true);
        return table;
    }

    public KubernetesMembershipTable Table(KubernetesMembershipOptions? options = null, string? clusterId = null, PausingHandler? pausing = null) => new(
        pausing is null ? Client() : Client(pausing),
        Microsoft.Extensions.Options.Options.Create(options ?? Options()),
        Microsoft.Extensions.Options.Options.Create(new ClusterOptions { ClusterId = clusterId ?? ClusterId, ServiceId = "membership-tests" }),
        NullLogger<KubernetesMembershipTable>.Instance);

    public static KubernetesGatewayListProvider Gateways(KubernetesMembershipTable table) =>
        new(table, Microsoft.Extensions.Options.Options.Create(new GatewayOptions()));

    /// <summary>The table's ConfigMap as <c>kubectl get configmap -o json</c> would show it, or null.</summary>
    public System.Text.Json.Nodes.JsonObject? ConfigMap(KubernetesMembershipTable table) =>
        Api.Store.Get("v1", "ConfigMap", table.Namespace, table.ConfigMapName);

    /// <summary>Membership-table PUTs (compare-and-swap writes) the API server answered with <paramref name="status"/>.</summary>
    public int Writes(int status) =>
        Api.Requests.Count(r => r.Request.Resource == "configmaps" && r.Request.Verb == "update" && r.StatusCode == status);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Api.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
