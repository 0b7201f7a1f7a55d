using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>
/// The wire-level API double with the KAITO and KEDA CRDs, InferenceSets written into it as a user would apply them,
/// and provisioner replicas with short lease timings so leadership tests run in seconds.
/// </summary>
internal sealed class ProvisioningCluster : IAsyncDisposable
{
    public const string KaitoApi = "kaito.sh/v1beta1";
    public const string KedaApi = "keda.sh/v1alpha1";
    public const string Namespace = "default";

    /// <summary>The lease of <see cref="ShortLease"/>: takeovers in leadership tests happen within about this long.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);

    private readonly string _directory;
    private readonly List<ProvisionerInstance> _instances = [];

    private ProvisioningCluster(KubernetesApiServerDouble api, string directory)
    {
        Api = api;
        _directory = directory;
        Kubeconfig = api.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
    }

    public KubernetesApiServerDouble Api { get; }

    public string Kubeconfig { get; }

    public static async Task<ProvisioningCluster> StartAsync()
    {
        var api = await KubernetesApiServerDouble.StartAsync();
        api.LoadCrds(Fixtures.Path("crds"));
        return new ProvisioningCluster(api, Directory.CreateTempSubdirectory("oks-prov-").FullName);
    }

    /// <summary>The options tests use unless they say otherwise: the scaler in <c>keda</c>, fast retries.</summary>
    public static ProvisioningOptions Provisioning() => new()
    {
        ScalerNamespace = "keda",
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>
    /// For tests about provisioning, not leadership: a single replica takes a fresh Lease at once, and a generous
    /// renew deadline keeps a busy test machine from ending its term halfway (which would re-report Warnings).
    /// </summary>
    public static LeaderElectionOptions Election() => new()
    {
        LeaseDuration = TimeSpan.FromSeconds(15),
        RenewDeadline = TimeSpan.FromSeconds(10),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>For leadership tests: a whole-second lease with the renew deadline and retry period well inside it.</summary>
    public static LeaderElectionOptions ShortLease() => new()
    {
        LeaseDuration = LeaseDuration,
        RenewDeadline = TimeSpan.FromSeconds(1.5),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    public async Task<ProvisionerInstance> StartProvisionerAsync(string identity = "scaler-a", ProvisioningOptions? provisioning = null, LeaderElectionOptions? election = null)
    {
        var instance = await ProvisionerInstance.StartAsync(Kubeconfig, identity, provisioning ?? Provisioning(), election ?? Election());
        _instances.Add(instance);
        return instance;
    }

    /// <summary>Waits until <paramref name="instance"/> holds the Lease.</summary>
    public static Task LeadingAsync(ProvisionerInstance instance, TimeSpan? within = null) =>
        Eventually.True(() => instance.IsLeader, within ?? TimeSpan.FromSeconds(10), $"{instance.Identity} holding the Lease");

    /// <summary>Applies an InferenceSet (create or update) with <c>nodeCountLimit</c> and exactly these annotations.</summary>
    public JsonObject InferenceSet(string name, IReadOnlyDictionary<string, string> annotations, int? nodeCountLimit = 5)
    {
        var spec = new JsonObject
        {
            ["replicas"] = 1,
            ["template"] = new JsonObject { ["inference"] = new JsonObject { ["preset"] = new JsonObject { ["name"] = "phi-4-mini-instruct" } } },
        };
        if (nodeCountLimit is { } limit)
        {
            spec["nodeCountLimit"] = limit;
        }

        var body = new JsonObject
        {
            ["apiVersion"] = KaitoApi,
            ["kind"] = "InferenceSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = Namespace,
                ["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))),
            },
            ["spec"] = spec,
        };
        if (Api.Store.Get(KaitoApi, "InferenceSet", Namespace, name) is { } existing)
        {
            body["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.GetValue<string>();
            return Api.Store.Update(body);
        }

        return Api.Store.Create(body);
    }

    /// <summary>Auto-provisioning on with the simple form: threshold 10, at most 5 replicas (<c>nodeCountLimit</c>).</summary>
    public static Dictionary<string, string> Simple(params (string Key, string Value)[] more)
    {
        var annotations = new Dictionary<string, string>
        {
            [AutoProvisioningAnnotations.AutoProvision] = "true",
            [AutoProvisioningAnnotations.Threshold] = "10",
        };
        foreach (var (key, value) in more)
        {
            annotations[key] = value;
        }

        return annotations;
    }

    public JsonObject? ScaledObject(string name) => Api.Store.Get(KedaApi, "ScaledObject", Namespace, name);

    public IReadOnlyList<JsonObject> ScaledObjects() => Api.Store.List(KedaApi, "ScaledObject", Namespace);

    /// <summary>Core v1 Events (what <c>kubectl describe</c> lists), optionally only those with <paramref name="reason"/>.</summary>
    public IReadOnlyList<JsonObject> Events(string? reason = null) =>
        [.. Api.Store.List("v1", "Event", Namespace).Where(e => reason is null || e["reason"]?.GetValue<string>() == reason)];

    /// <summary>Requests the API double answered for <paramref name="resource"/> with <paramref name="verb"/> (get, create, update, delete…).</summary>
    public int Requests(string verb, string resource, int? status = null) =>
        Api.Requests.Count(r => r.Request.Verb == verb && r.Request.Resource == resource && (status is null || r.StatusCode == status));

    /// <summary>Waits (bounded) for the ScaledObject <paramref name="name"/> to exist and satisfy <paramref name="condition"/>.</summary>
    public async Task<JsonObject> ScaledObjectAsync(string name, Func<JsonObject, bool> condition, string what) =>
        (await Eventually.Get(() => Task.FromResult(ScaledObject(name)), o => o is not null && condition(o), TimeSpan.FromSeconds(10), what))!;

    /// <summary>Waits (bounded) for an Event with <paramref name="reason"/> (and <paramref name="condition"/>).</summary>
    public async Task<JsonObject> EventAsync(string reason, Func<JsonObject, bool>? condition = null) =>
        (await Eventually.Get(
            () => Task.FromResult(Events(reason).FirstOrDefault(e => condition?.Invoke(e) ?? true)),
            e => e is not null,
            TimeSpan.FromSeconds(10),
            $"a {reason} Event"))!;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
