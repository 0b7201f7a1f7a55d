using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using OrleansKaitoScaler.Faults.Tests.Figures;
using OrleansKaitoScaler.Integration.Tests;
using OrleansKaitoScaler.KubernetesApiDouble;
using OrleansKaitoScaler.TestSupport;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Faults.Tests.Kubernetes;

/// <summary>
/// The scaler in Kubernetes mode while the API server misbehaves: its watches are cut and reopening them or listing
/// again meets 410, 429, 500, 503 or a slow server. A Workspace deleted during the fault must leave the inventory once
/// the API answers again (the time until KEDA sees it is the recovery time), and KEDA keeps getting values throughout:
/// the old sum while the inventory is behind, the new one after, never a third.
/// </summary>
public sealed class KubernetesApiFaultTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Sum = new()
    {
        ["inferenceSetName"] = "phi-4",
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = "10",
    };

    public static TheoryData<string> Faults() =>
    [
        "watch dropped",
        "watch dropped, history compacted (410 on resume)",
        "watch dropped, 429 on the next 3 watches",
        "watch dropped, 500 on the next 3 lists and watches",
        "watch dropped, 503 on the next 20 requests",
        "API slow (1.5 s per request)",
    ];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task The_inventory_recovers_after_the_API_fault_and_KEDA_gets_only_the_old_or_the_new_sum(string fault)
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4", ready: true, replicas: 3);
        await cluster.WorkspaceAsync("phi-4", "phi-4-0", waiting: 1);
        await cluster.WorkspaceAsync("phi-4", "phi-4-1", waiting: 2);
        await cluster.WorkspaceAsync("phi-4", "phi-4-2", waiting: 3);
        var scaler = await cluster.StartScalerAsync();
        await Eventually.Get(() => scaler.TryGetMetricAsync(Sum), r => r is { Status: StatusCode.OK, Value: 6 }, TimeSpan.FromSeconds(30), "three replicas");
        await cluster.Api.Requests.WaitForAsync(r => r.Request.Verb == "watch" && r.Request.Resource == "workspaces", TimeSpan.FromSeconds(10));

        // KEDA keeps asking, 10 times a second.
        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var values = new ConcurrentQueue<double>();
        using var stop = new CancellationTokenSource();
        var keda = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await scaler.TryGetMetricAsync(Sum);
                AnswerKinds.Count(answers, AnswerKinds.Of(r.Status, r.Detail));
                if (r.Status == StatusCode.OK)
                {
                    values.Enqueue(r.Value);
                }

                await Task.Delay(100);
            }
        });

        cluster.Api.Requests.Clear();
        var injected = Inject(cluster.Api, fault, out var latency);
        var clock = Stopwatch.StartNew();
        cluster.DeleteWorkspace("phi-4-1");
        if (fault.Contains("410", StringComparison.Ordinal))
        {
            cluster.Api.Faults.ExpireHistory();
        }

        await Eventually.Get(() => scaler.TryGetMetricAsync(Sum), r => r is { Status: StatusCode.OK, Value: 4 }, TimeSpan.FromSeconds(60), $"the deletion seen after '{fault}'");
        var recovery = clock.Elapsed;
        latency?.Dispose();
        await Task.Delay(500);
        await stop.CancelAsync();
        await keda;

        var requests = cluster.Api.Requests.Snapshot();
        var refused = requests.Where(r => r.StatusCode >= 400).GroupBy(r => $"{r.Request.Verb} {r.StatusCode}").ToDictionary(g => g.Key, g => g.Count());
        var lists = requests.Count(r => r.Request.Verb == "list");
        FaultFigures.Record(new FaultFigure(
            "kubernetes", fault, injected, answers.Values.Sum(), answers, refused, recovery,
            $"deleted Workspace gone from the inventory; {lists} list(s) after the fault; values only 6 then 4"));
        output.WriteLine($"{fault}: recovered in {recovery.TotalSeconds:0.00}s; answers {string.Join(", ", answers.Select(a => $"{a.Key}={a.Value}"))}; refused {string.Join(", ", refused.Select(a => $"{a.Key}={a.Value}"))}; {lists} lists");

        // Only the two inventories' sums, and once the new one is seen the old one never comes back.
        var seen = values.ToArray();
        Assert.All(seen, v => Assert.True(v is 6 or 4, $"value {v}"));
        var first4 = Array.IndexOf(seen, 4d);
        Assert.True(first4 < 0 || seen.Skip(first4).All(v => v == 4), string.Join(",", seen));
        Assert.DoesNotContain(answers.Keys, k => k.StartsWith("NotFound", StringComparison.Ordinal) || k.StartsWith("Internal", StringComparison.Ordinal));
    }

    /// <summary>Injects the fault; returns how many failures (or dropped watches) were injected.</summary>
    private static int Inject(KubernetesApiServerDouble api, string fault, out IDisposable? latency)
    {
        latency = null;
        switch (fault)
        {
            case "watch dropped":
                return api.Faults.DropWatches();
            case "watch dropped, history compacted (410 on resume)":
                // The watch stays away until the history is gone, so its resume meets 410 and it lists again.
                latency = api.Faults.AddLatency(TimeSpan.FromMilliseconds(500), r => r.Verb == "watch");
                return api.Faults.DropWatches() + 1;
            case "watch dropped, 429 on the next 3 watches":
                api.Faults.FailNext(3, 429, r => r.Verb == "watch", TimeSpan.FromMilliseconds(200));
                return api.Faults.DropWatches() + 3;
            case "watch dropped, 500 on the next 3 lists and watches":
                api.Faults.FailNext(3, 500, r => r.Verb is "watch" or "list");
                return api.Faults.DropWatches() + 3;
            case "watch dropped, 503 on the next 20 requests":
                api.Faults.FailNext(20, 503);
                return api.Faults.DropWatches() + 20;
            case "API slow (1.5 s per request)":
                latency = api.Faults.AddLatency(TimeSpan.FromMilliseconds(1500));
                return api.Faults.DropWatches();
            default:
                throw new InvalidOperationException(fault);
        }
    }
}
