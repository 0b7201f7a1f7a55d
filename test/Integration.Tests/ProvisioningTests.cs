using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.TestSupport;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>Auto-provisioning end to end: the scaler process in Kubernetes mode against the API double.</summary>
public sealed class ProvisioningTests
{
    private const string KedaApi = "keda.sh/v1alpha1";

    /// <summary>Short lease timings and the scaler's namespace pinned, so runs are fast and addresses predictable.</summary>
    private static readonly string[] Fast =
    [
        "--Provisioning:ScalerNamespace", "keda",
        "--Provisioning:InitialRetryDelay", "00:00:00.020", "--Provisioning:MaxRetryDelay", "00:00:00.500",
        "--LeaderElection:LeaseDuration", "00:00:02", "--LeaderElection:RenewDeadline", "00:00:01.500",
        "--LeaderElection:RetryPeriod", "00:00:00.200",
    ];

    /// <summary>Sets exactly these annotations on an InferenceSet the cluster holds, as <c>kubectl annotate</c> would.</summary>
    private static JsonObject Annotate(KaitoCluster cluster, string name, params (string Key, string Value)[] annotations)
    {
        var set = cluster.Api.Store.Get(KaitoCluster.KaitoApi, "InferenceSet", "default", name)!;
        set["metadata"]!["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value))));
        return cluster.Api.Store.Update(set);
    }

    private static (string, string)[] Simple(string threshold = "10") => [(AutoProvision, "true"), (Threshold, threshold)];

    private static JsonObject? ScaledObject(KaitoCluster cluster, string name) => cluster.Api.Store.Get(KedaApi, "ScaledObject", "default", name);

    private static IEnumerable<JsonObject> Events(KaitoCluster cluster, string reason) =>
        cluster.Api.Store.List("v1", "Event", "default").Where(e => e["reason"]?.GetValue<string>() == reason);

    private static string? Holder(KaitoCluster cluster) =>
        cluster.Api.Store.Get("coordination.k8s.io/v1", "Lease", "keda", "keda-kaito-scaler")?["spec"]?["holderIdentity"]?.GetValue<string>();

    private static ScaledObjectProvisioner Provisioner(ScalerHost scaler) => scaler.Services.GetRequiredService<ScaledObjectProvisioner>();

    private static JsonObject Desired(JsonObject inferenceSet)
    {
        var parsed = InferenceSetObject.Parse(JsonSerializer.SerializeToElement(inferenceSet));
        var spec = Assert.IsType<AutoProvisioningResult.Requested>(AutoProvisioningParser.Parse(parsed)).Spec;
        return new ScaledObjectRenderer(Options.Create(new ProvisioningOptions { ScalerNamespace = "keda" })).Render(spec);
    }

    private static Task Until(Func<bool> condition, string what) => Eventually.True(condition, TimeSpan.FromSeconds(15), what);

    /// <summary>A scaler in Kubernetes mode whose API client is tapped.</summary>
    private static Task<ScalerHost> StartTappedAsync(KaitoCluster cluster, ApiClientTap tap, string identity) =>
        ScalerHost.StartAsync(
            "inferenceSets: []\n",
            null,
            b => b.Services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster.Kubeconfig), tap)),
            [
                "--kubernetes", "--kubeconfig", cluster.Kubeconfig, "--listen", "127.0.0.1",
                "--Kubernetes:InitialBackoff", "00:00:00.050", "--Kubernetes:MaxBackoff", "00:00:00.200",
                "--LeaderElection:Identity", identity, .. Fast,
            ]);

    [Fact]
    public async Task The_scaler_provisions_updates_reports_and_cleans_up_the_ScaledObject_of_an_annotated_InferenceSet()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");
        var set = Annotate(cluster, "phi-4", Simple());
        await cluster.StartScalerAsync(null, [.. Fast, "--LeaderElection:Identity", "scaler-a"]);

        await Until(() => ScaledObject(cluster, "phi-4") is not null, "the ScaledObject");
        var created = ScaledObject(cluster, "phi-4")!;
        Assert.True(ScaledObjectOwnedFields.IsAsDesired(created, Desired(set)), created.ToJsonString());
        Assert.Equal("keda-kaito-scaler-svc.keda.svc.cluster.local:10450", created["spec"]!["triggers"]![0]!["metadata"]!["scalerAddress"]!.GetValue<string>());
        Assert.Equal("scaler-a", Holder(cluster));

        set = Annotate(cluster, "phi-4", Simple("25"));
        await Until(() => ScaledObjectOwnedFields.IsAsDesired(ScaledObject(cluster, "phi-4")!, Desired(set)), "the threshold updated");

        Annotate(cluster, "phi-4", [.. Simple("25"), (MaxReplicas, "1")]);
        await Until(() => Events(cluster, ProvisioningEventReasons.InvalidReplicaRange).Any(), "an InvalidReplicaRange Event");
        Assert.True(ScaledObjectOwnedFields.IsAsDesired(ScaledObject(cluster, "phi-4")!, Desired(set)), "an invalid edit changes nothing");

        Annotate(cluster, "phi-4", (Threshold, "25"));
        await Until(() => ScaledObject(cluster, "phi-4") is null, "the ScaledObject deleted once auto-provision is off");
        Assert.Single(Events(cluster, ProvisioningEventReasons.ScaledObjectCleanedUp));
        Assert.Equal(1, cluster.Requests("create", "scaledobjects"));
    }

    [Fact]
    public async Task Of_two_scalers_only_the_Lease_holder_writes_and_the_other_takes_over_when_it_stops()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        ApiClientTap tapA = new(), tapB = new();
        var a = await StartTappedAsync(cluster, tapA, "scaler-a");
        await using var b = await StartTappedAsync(cluster, tapB, "scaler-b");
        try
        {
            await Until(() => Provisioner(a).IsLeader, "scaler-a holding the Lease");
            cluster.InferenceSet("first");
            Annotate(cluster, "first", Simple());

            await Until(() => ScaledObject(cluster, "first") is not null, "the first ScaledObject");
            Assert.False(Provisioner(b).IsLeader);
            Assert.Equal("scaler-a", Holder(cluster));
            Assert.Equal(0, tapB.Writes("scaledobjects"));
        }
        finally
        {
            await a.DisposeAsync();
        }

        await Until(() => Provisioner(b).IsLeader, "scaler-b taking over");
        cluster.InferenceSet("second");
        Annotate(cluster, "second", Simple());
        await Until(() => ScaledObject(cluster, "second") is not null, "the second ScaledObject");

        Assert.Equal("scaler-b", Holder(cluster));
        Assert.Equal(1, tapA.Writes("scaledobjects"));
        Assert.Equal(1, tapB.Writes("scaledobjects"));
    }

    [Fact]
    public async Task With_provisioning_switched_off_the_scaler_takes_no_Lease_and_writes_no_ScaledObject()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");
        Annotate(cluster, "phi-4", Simple());

        var scaler = await cluster.StartScalerAsync(null, [.. Fast, "--Provisioning:Enabled", "false"]);

        // Enabled, the provisioner would compete for the Lease until stopped; switched off, it is done at once.
        await Provisioner(scaler).ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, cluster.Api.Requests.Count(r => r.Request.Resource == "leases"));
        Assert.Null(ScaledObject(cluster, "phi-4"));
    }
}
