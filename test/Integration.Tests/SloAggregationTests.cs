using Grpc.Core;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary><c>rate</c>, <c>max</c> and <c>quantile</c> over real gRPC against simulated vLLM replicas.</summary>
public sealed class SloAggregationTests : IAsyncLifetime
{
    private readonly List<VllmEndpoint> _replicas = [];
    private ScalerHost _host = null!;

    private static Dictionary<string, string> Trigger(string metric, string aggregation, params (string Key, string Value)[] extra)
    {
        var metadata = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = metric,
            ["aggregation"] = aggregation,
            ["metricCacheWindow"] = "2",
        };
        foreach (var (key, value) in extra)
        {
            metadata[key] = value;
        }

        return metadata;
    }

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            _replicas.Add(await VllmEndpoint.StartAsync());
        }

        _host = await ScalerHost.StartAsync(Inventories.Of("phi-4", ready: true, _replicas), TimeSpan.FromMilliseconds(200));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rate_reports_the_InferenceSets_tokens_per_second()
    {
        _replicas[0].Metrics.TokensPerSecond = 500;
        _replicas[1].Metrics.TokensPerSecond = 250;

        var result = await Eventually.Get(
            () => _host.TryGetMetricAsync(Trigger("vllm:generation_tokens_total", "rate", ("threshold", "100"))),
            r => r.Status == StatusCode.OK && Math.Abs(r.Value - 750) < 750 * 0.05,
            what: "750 tokens/s");

        Assert.InRange(result.Value, 712.5, 787.5);
    }

    [Fact]
    public async Task Max_reports_the_hottest_replica()
    {
        _replicas[0].Metrics.KvCacheUsage = 0.25;
        _replicas[1].Metrics.KvCacheUsage = 0.9;

        var result = await Eventually.Get(
            () => _host.TryGetMetricAsync(Trigger("vllm:kv_cache_usage_perc", "max", ("threshold", "0.8"))),
            r => r.Status == StatusCode.OK,
            what: "max");

        Assert.Equal(0.9, result.Value, 9);
    }

    [Fact]
    public async Task Quantile_reports_p95_and_p50_of_time_to_first_token_over_the_window()
    {
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Every request takes 30 ms to its first token: all in the (0.02, 0.04] bucket.
                _replicas[0].Metrics.ObserveTimeToFirstToken(0.03, 2);
                _replicas[1].Metrics.ObserveTimeToFirstToken(0.03, 1);
                await Task.Delay(50);
            }
        });
        try
        {
            var p95 = await Eventually.Get(
                () => _host.TryGetMetricAsync(Trigger("vllm:time_to_first_token_seconds", "quantile"))!,
                r => r.Status == StatusCode.OK && r.Value > 0,
                what: "p95");
            var p50 = await Eventually.Get(
                () => _host.TryGetMetricAsync(Trigger("vllm:time_to_first_token_seconds", "quantile", ("quantile", "0.5"))),
                r => r.Status == StatusCode.OK && r.Value > 0,
                what: "p50");

            // Linear interpolation inside (0.02, 0.04]: p95 → 0.02 + 0.02·0.95, p50 → 0.02 + 0.02·0.5.
            Assert.Equal(0.039, p95.Value, 9);
            Assert.Equal(0.03, p50.Value, 9);
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
    }
}
