using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.KubernetesApiDouble;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// A KAITO cluster for tests: the wire-level API double with the fixture CRDs, InferenceSets and Workspaces written
/// into it, cluster DNS mapping each Workspace Service to a simulated vLLM replica, and a scaler in Kubernetes mode.
/// </summary>
internal sealed class KaitoCluster : IAsyncDisposable
{
    public const string KaitoApi = "kaito.sh/v1beta1";
    public const string CreatedBy = "inferenceset.kaito.sh/created-by";

    private readonly string _directory;
    private readonly List<VllmEndpoint> _replicas = [];

    private KaitoCluster(KubernetesApiServerDouble api, string directory)
    {
        Api = api;
        _directory = directory;
        Kubeconfig = api.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
    }

    public KubernetesApiServerDouble Api { get; }

    public ClusterDns Dns { get; } = new();

    public string Kubeconfig { get; }

    public ScalerHost? Scaler { get; private set; }

    /// <summary>The double with the KAITO and KEDA CRDs from the fixtures (or only those whose file names pass <paramref name="crds"/>).</summary>
    public static async Task<KaitoCluster> StartAsync(Func<string, bool>? crds = null)
    {
        var api = await KubernetesApiServerDouble.StartAsync();
        foreach (var file in Directory.GetFiles(Fixtures.Path("crds"), "*.yaml").Where(f => crds?.Invoke(Path.GetFileName(f)) ?? true))
        {
            api.RegisterCustomResourceDefinition(await File.ReadAllTextAsync(file));
        }

        return new KaitoCluster(api, Directory.CreateTempSubdirectory("oks-k8s-").FullName);
    }

    /// <summary>Starts the scaler in Kubernetes mode against the double; informers retry fast so fault tests run in seconds.</summary>
    public async Task<ScalerHost> StartScalerAsync(TimeSpan? scrapeInterval = null, params string[] extraArgs)
    {
        Scaler = await StartAnotherScalerAsync(scrapeInterval, extraArgs);
        return Scaler;
    }

    /// <summary>Another scaler process (replica) against the same API: the caller disposes it.</summary>
    public Task<ScalerHost> StartAnotherScalerAsync(TimeSpan? scrapeInterval = null, params string[] extraArgs) =>
        StartAnotherScalerAsync(configure: null, scrapeInterval, extraArgs);

    /// <summary>As <see cref="StartAnotherScalerAsync(TimeSpan?, string[])"/>, with services added (e.g. a fake certificate clock).</summary>
    public Task<ScalerHost> StartAnotherScalerAsync(Action<WebApplicationBuilder>? configure, TimeSpan? scrapeInterval, params string[] extraArgs) =>
        ScalerHost.StartAsync(
            "inferenceSets: []\n",
            scrapeInterval,
            b =>
            {
                b.Services.PostConfigure<ScrapeOptions>(o => o.ConnectCallback = Dns.ConnectAsync);
                configure?.Invoke(b);
            },
            [
                "--kubernetes", "--kubeconfig", Kubeconfig, "--listen", "127.0.0.1",
                "--Kubernetes:InitialBackoff", "00:00:00.050", "--Kubernetes:MaxBackoff", "00:00:00.200",
                // Plaintext gRPC unless a test turns mTLS on (later arguments win): the Mtls* tests do.
                "--Certificates:Enabled", "false",
                .. extraArgs,
            ]);

    /// <summary>Writes an InferenceSet with a <c>Ready</c> condition and replica counts.</summary>
    public JsonObject InferenceSet(string name, bool ready = true, int replicas = 1, int? readyReplicas = null, string ns = "default")
    {
        var body = Build(name, ready, replicas, readyReplicas ?? (ready ? replicas : 0), ns);
        return Api.Store.Get(KaitoApi, "InferenceSet", ns, name) is { } existing
            ? Api.Store.Update(WithVersion(body, existing))
            : Api.Store.Create(body);
    }

    /// <summary>Starts a simulated replica and writes a Workspace created by <paramref name="inferenceSet"/>, its Service mapped to the replica.</summary>
    public async Task<VllmEndpoint> WorkspaceAsync(string inferenceSet, string name, double waiting = 0, string ns = "default")
    {
        var replica = await VllmEndpoint.StartAsync();
        replica.Metrics.Waiting = waiting;
        _replicas.Add(replica);
        Dns.Map($"{name}.{ns}.svc.cluster.local", replica.Port);
        Api.Store.Create(new JsonObject
        {
            ["apiVersion"] = KaitoApi,
            ["kind"] = "Workspace",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [CreatedBy] = inferenceSet },
            },
            ["resource"] = new JsonObject { ["instanceType"] = "Standard_NC24ads_A100_v4" },
        });
        return replica;
    }

    /// <summary>Writes a running Pod, as the one a scaler process pretends to run in (<c>POD_NAME</c>).</summary>
    public JsonObject Pod(string name, string ns) =>
        Api.Store.Create(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "scaler", ["image"] = "orleans-kaito-scaler" }) },
            ["status"] = new JsonObject { ["podIP"] = "127.0.0.1", ["phase"] = "Running" },
        });

    public bool DeleteWorkspace(string name, string ns = "default") => Api.Store.Delete(KaitoApi, "Workspace", ns, name);

    public bool DeleteInferenceSet(string name, string ns = "default") => Api.Store.Delete(KaitoApi, "InferenceSet", ns, name);

    /// <summary>API requests for <paramref name="resource"/> with <paramref name="verb"/> (list, watch, get, …).</summary>
    public int Requests(string verb, string? resource = null) =>
        Api.Requests.Count(r => r.Request.Verb == verb && (resource is null || r.Request.Resource == resource));

    public async ValueTask DisposeAsync()
    {
        if (Scaler is not null)
        {
            await Scaler.DisposeAsync();
        }

        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static JsonObject Build(string name, bool ready, int replicas, int readyReplicas, string ns) => new()
    {
        ["apiVersion"] = KaitoApi,
        ["kind"] = "InferenceSet",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["nodeCountLimit"] = 5,
            ["template"] = new JsonObject { ["inference"] = new JsonObject { ["preset"] = new JsonObject { ["name"] = "phi-4-mini-instruct" } } },
        },
        ["status"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["readyReplicas"] = readyReplicas,
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Ready",
                ["status"] = ready ? "True" : "False",
                ["reason"] = ready ? "InferenceSetReady" : "WorkspacesNotReady",
                ["message"] = "",
                ["lastTransitionTime"] = "2026-11-23T00:00:00Z",
            }),
        },
    };

    private static JsonObject WithVersion(JsonObject body, JsonObject existing)
    {
        body["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.GetValue<string>();
        return body;
    }
}
