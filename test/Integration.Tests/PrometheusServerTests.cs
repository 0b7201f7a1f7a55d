using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>The Prometheus test harness itself: a real Prometheus scraping two simulated vLLM replicas.</summary>
public sealed class PrometheusServerTests
{
    [Fact]
    public async Task Prometheus_scrapes_both_replicas_and_sums_their_engine_series()
    {
        await using var first = await VllmEndpoint.StartAsync();
        await using var second = await VllmEndpoint.StartAsync();
        first.Metrics.Waiting = 3;
        second.Metrics.Waiting = 5;
        first.Metrics.KvCacheUsage = 0.5;

        await using var prometheus = await PrometheusServer.StartAsync(
            [new Uri(first.BaseUrl, "/metrics"), new Uri(second.BaseUrl, "/metrics")], TimeSpan.FromMilliseconds(500));
        await prometheus.WaitForSamplesAsync("vllm:num_requests_waiting", 2, TimeSpan.FromSeconds(15));

        // Two replicas × two engine series, all scraped by the job "vllm" under their own instance label.
        Assert.Equal(4, await prometheus.QueryAsync("count(vllm:num_requests_waiting{job=\"vllm\"})"));
        Assert.Equal(2, await prometheus.QueryAsync("count(count by (instance) (up == 1))"));
        Assert.Equal(8, await prometheus.QueryAsync("sum(vllm:num_requests_waiting)"));
        Assert.Equal(0.25, await prometheus.QueryAsync(
            $"sum(vllm:kv_cache_usage_perc{{instance=\"{first.BaseUrl.Authority}\",engine=\"0\"}})"));

        // Empty vector → null; scalars and special values; several samples is an error.
        Assert.Null(await prometheus.QueryAsync("vllm:num_requests_waiting{engine=\"7\"}"));
        Assert.Equal(42, await prometheus.QueryAsync("42"));
        Assert.True(double.IsPositiveInfinity((await prometheus.QueryAsync("vector(1) / 0"))!.Value));
        Assert.True(double.IsNaN((await prometheus.QueryAsync("vector(0) / 0"))!.Value));
        var several = await Assert.ThrowsAsync<InvalidOperationException>(() => prometheus.QueryAsync("vllm:num_requests_waiting"));
        Assert.Contains("4 samples", several.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => prometheus.QueryAsync("sum("));

        // A change shows up within a scrape or two.
        second.Metrics.Waiting = 1;
        await Eventually.Get(() => prometheus.QueryAsync("sum(vllm:num_requests_waiting)"), v => v == 4, TimeSpan.FromSeconds(5), "new sum");

        // A past instant (time=) is evaluated too.
        Assert.NotNull(await prometheus.QueryAsync("sum(vllm:num_requests_waiting)", DateTimeOffset.UtcNow.AddSeconds(-1)));
    }

    [Fact]
    public async Task Only_loopback_targets_are_accepted() =>
        await Assert.ThrowsAsync<ArgumentException>(() => PrometheusServer.StartAsync([new Uri("http://192.0.2.1:9090/metrics")], TimeSpan.FromSeconds(1)));
}
