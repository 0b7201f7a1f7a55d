using System.Text.Json.Nodes;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.TestSupport;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// The chart grants exactly what the code uses. Two scaler processes in pods of the API double, with every feature
/// on (mTLS, auto-provisioning, Kubernetes hosting, membership in a ConfigMap), go through what they do in a cluster;
/// every request they send is a (Role or ClusterRole, group/resource, verb) and the set must equal the table in
/// <c>charts/orleans-kaito-scaler/rbac-verbs.md</c>, which <c>Chart.Tests</c> holds the rendered Role and
/// ClusterRole to. A verb granted but never sent, or sent but not granted, fails here.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RbacUsageTests
{
    private const string Namespace = "keda";
    private const string KedaApi = "keda.sh/v1alpha1";

    /// <summary>Resources the chart grants through its Role, in the release namespace only.</summary>
    private static readonly HashSet<string> s_namespaced = ["leases", "configmaps", "secrets", "pods"];

    [Fact]
    public async Task Every_verb_the_chart_grants_is_one_the_scaler_sends_and_it_sends_no_other()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.Pod("scaler-a", Namespace);
        cluster.Pod("scaler-b", Namespace);
        // The Go chart creates the client Secret empty; the scaler fills it in place.
        cluster.Api.Store.Create(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "keda-kaito-scaler-client-certs", ["namespace"] = Namespace },
        });
        cluster.InferenceSet("phi-4");
        await cluster.WorkspaceAsync("phi-4", "phi-4-0");
        Annotate(cluster, "phi-4", (AutoProvision, "true"), (Threshold, "10"));

        await using var a = Start(cluster, "scaler-a");
        await a.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await Until(() => ScaledObject(cluster) is not null, "the ScaledObject created", a);

        // Someone edited the ClusterTriggerAuthentication: the next replica to start puts it right.
        var authentication = cluster.Api.Store.Get(KedaApi, "ClusterTriggerAuthentication", null, "keda-kaito-scaler-creds")!;
        authentication["spec"] = new JsonObject { ["secretTargetRef"] = new JsonArray() };
        cluster.Api.Store.Update(authentication);
        await using var b = Start(cluster, "scaler-b");
        await b.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await Until(() => cluster.Api.Store.Get(KedaApi, "ClusterTriggerAuthentication", null, "keda-kaito-scaler-creds")!["spec"]!["secretTargetRef"]!.AsArray().Count == 3, "the trigger authentication restored", b);

        Annotate(cluster, "phi-4", (AutoProvision, "true"), (Threshold, "25"));
        await Until(() => (string?)ScaledObject(cluster)?["spec"]?["triggers"]?[0]?["metadata"]?["threshold"] == "25", "the ScaledObject updated", a);

        // An invalid annotation is a Warning Event; reported again after another problem, its count grows.
        (string, string)[] badRange = [(AutoProvision, "true"), (Threshold, "25"), (MaxReplicas, "1")];
        Annotate(cluster, "phi-4", badRange);
        await Until(() => Events(cluster).Count() == 1, "a Warning Event", a);
        Annotate(cluster, "phi-4", (AutoProvision, "true"), (Threshold, "many"));
        await Until(() => Events(cluster).Count() == 2, "a second Warning Event", a);
        Annotate(cluster, "phi-4", badRange);
        await Until(() => Events(cluster).Any(e => (int?)e["count"] == 2), "the first Event's count raised", a);

        Annotate(cluster, "phi-4", (Threshold, "25"));
        await Until(() => ScaledObject(cluster) is null, "the ScaledObject deleted", a);

        // A node failure: scaler-b ends with no goodbye and its pod is deleted; scaler-a's pod watch declares it dead.
        b.Kill();
        cluster.Api.Store.Delete("v1", "Pod", Namespace, "scaler-b");
        await Until(() => a.Output.Contains("since its corresponding pod", StringComparison.Ordinal), "scaler-b declared dead", a);

        var requests = cluster.Api.Requests.Snapshot().Select(r => r.Request).Where(r => r.IsResourceRequest).ToList();
        Assert.All(requests.Where(r => s_namespaced.Contains(r.Resource!)), r => Assert.Equal(Namespace, r.Namespace));
        var sent = new SortedSet<string>(
            requests.Select(r => $"{(s_namespaced.Contains(r.Resource!) ? "Role" : "ClusterRole")} {r.Group}/{r.Resource} {r.Verb}"),
            StringComparer.Ordinal);
        var granted = RbacVerbs.Documented();

        Assert.True(granted.SetEquals(sent),
            $"granted but never sent: [{string.Join("; ", granted.Except(sent))}]; sent but not granted: [{string.Join("; ", sent.Except(granted))}]");
    }

    private static ScalerProcess Start(KaitoCluster cluster, string pod) =>
        ScalerProcess.Start(
            new Dictionary<string, string> { ["POD_NAME"] = pod, ["POD_NAMESPACE"] = Namespace, ["POD_IP"] = "127.0.0.1" },
            [
                "--kubernetes", "--kubeconfig", cluster.Kubeconfig,
                "--Kubernetes:InitialBackoff", "00:00:00.050", "--Kubernetes:MaxBackoff", "00:00:00.200",
                "--Provisioning:InitialRetryDelay", "00:00:00.020", "--Provisioning:MaxRetryDelay", "00:00:00.500",
                "--LeaderElection:Identity", pod, "--LeaderElection:LeaseDuration", "00:00:02",
                "--LeaderElection:RenewDeadline", "00:00:01.500", "--LeaderElection:RetryPeriod", "00:00:00.200",
            ]);

    private static Task Until(Func<bool> condition, string what, ScalerProcess silo) =>
        Eventually.True(condition, TimeSpan.FromSeconds(30), $"{what};{Environment.NewLine}{silo.Output}");

    private static JsonObject? ScaledObject(KaitoCluster cluster) => cluster.Api.Store.Get(KedaApi, "ScaledObject", "default", "phi-4");

    private static IEnumerable<JsonObject> Events(KaitoCluster cluster) =>
        cluster.Api.Store.List("v1", "Event", "default").Where(e => (string?)e["type"] == InferenceSetEventRecorder.Warning);

    private static void Annotate(KaitoCluster cluster, string name, params (string Key, string Value)[] annotations)
    {
        var set = cluster.Api.Store.Get(KaitoCluster.KaitoApi, "InferenceSet", "default", name)!;
        set["metadata"]!["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value))));
        cluster.Api.Store.Update(set);
    }
}
