using System.Diagnostics;
using Xunit.Abstractions;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Orleans.Runtime;
using OrleansKaitoScaler.Silo.Membership;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// Orleans' Kubernetes hosting (<c>UseKubernetesHosting</c>) beside our membership table: two scaler processes, each
/// "in" its own pod of the API double (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c> as the downward API sets
/// them), run the real Orleans cluster agent against the double.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class PodHostingTests(ITestOutputHelper output)
{
    private const string Namespace = "keda";

    [Fact]
    public async Task Each_silo_is_named_after_and_labels_its_pod_and_a_silo_whose_pod_is_deleted_is_declared_dead_at_once()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.Pod("scaler-a", Namespace);
        cluster.Pod("scaler-b", Namespace);
        await using var a = Start(cluster, "scaler-a");
        await a.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var b = Start(cluster, "scaler-b");
        await b.WaitReadyAsync(TimeSpan.FromSeconds(60));

        Assert.All(["scaler-a", "scaler-b"], pod =>
        {
            var labels = cluster.Api.Store.Get("v1", "Pod", Namespace, pod)!["metadata"]!["labels"]!;
            Assert.Equal("orleans-kaito-scaler", (string?)labels["orleans/clusterId"]);
            Assert.Equal("orleans-kaito-scaler", (string?)labels["orleans/serviceId"]);
        });
        await Eventually.True(() => Rows(cluster).Count(r => r.Status == SiloStatus.Active) == 2, TimeSpan.FromSeconds(30), "both silos Active");
        Assert.Equal(["scaler-a", "scaler-b"], Rows(cluster).Select(r => r.SiloName).Order(StringComparer.Ordinal));
        await cluster.Api.Requests.WaitForAsync(r => r.Request is { Verb: "watch", Resource: "pods", Namespace: Namespace }, TimeSpan.FromSeconds(30));

        // A node failure: the process ends with no goodbye, then Kubernetes deletes its pod.
        b.Kill();
        var deleted = Stopwatch.StartNew();
        cluster.Api.Store.Delete("v1", "Pod", Namespace, "scaler-b");

        // Probing alone needs several missed probes (5 s apart by default) before a vote; the pod watch needs none.
        await Eventually.True(() => Rows(cluster).Any(r => r.SiloName == "scaler-b" && r.Status == SiloStatus.Dead), TimeSpan.FromSeconds(30), "scaler-b declared dead");
        output.WriteLine($"scaler-b declared dead {deleted.Elapsed.TotalMilliseconds:F0} ms after its pod was deleted");
        Assert.True(deleted.Elapsed < TimeSpan.FromSeconds(8), $"declared dead {deleted.Elapsed.TotalSeconds:F1} s after its pod was deleted;{Environment.NewLine}{a.Output}");
        Assert.Contains("since its corresponding pod", a.Output, StringComparison.Ordinal);
        await a.WaitReadyAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Kubernetes_hosting_on_outside_a_pod_stops_start_up_naming_what_is_missing()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        await using var silo = ScalerProcess.Start(
            new Dictionary<string, string> { ["POD_NAME"] = "" },
            [.. Arguments(cluster), "--Orleans:KubernetesHosting", "true"]);

        await Eventually.True(() => silo.HasExited, TimeSpan.FromSeconds(60), "start-up stopped");
        Assert.Contains("Orleans:KubernetesHosting=true needs the POD_NAME and POD_NAMESPACE environment variables", silo.Output, StringComparison.Ordinal);
    }

    private static ScalerProcess Start(KaitoCluster cluster, string pod) =>
        ScalerProcess.Start(
            new Dictionary<string, string> { ["POD_NAME"] = pod, ["POD_NAMESPACE"] = Namespace, ["POD_IP"] = "127.0.0.1" },
            Arguments(cluster));

    private static string[] Arguments(KaitoCluster cluster) =>
    [
        "--kubernetes", "--kubeconfig", cluster.Kubeconfig,
        "--Certificates:Enabled", "false", "--Provisioning:Enabled", "false",
        "--Kubernetes:InitialBackoff", "00:00:00.050", "--Kubernetes:MaxBackoff", "00:00:00.200",
    ];

    private static IReadOnlyCollection<MembershipRow> Rows(KaitoCluster cluster)
    {
        var name = MembershipConfigMap.NameFor("orleans-membership-", "orleans-kaito-scaler");
        return cluster.Api.Store.Get("v1", "ConfigMap", Namespace, name) is { } configMap
            ? [.. MembershipConfigMap.Parse(KubernetesJson.Deserialize<V1ConfigMap>(configMap.ToJsonString())).Rows.Values]
            : [];
    }
}
