using Grpc.Core;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

public sealed class TargetLifetimeTests
{
    [Fact]
    public async Task A_target_KEDA_stops_asking_about_is_no_longer_scraped_after_the_ttl()
    {
        await using var replica = await VllmEndpoint.StartAsync();
        await using var host = await ScalerHost.StartAsync(
            Inventories.Of("phi-4", ready: true, [replica]), TimeSpan.FromMilliseconds(100), "--Scrape:TargetTtl", "00:00:01");
        var metadata = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "vllm:num_requests_waiting",
            ["threshold"] = "1",
        };

        await Eventually.Get(() => host.TryGetMetricAsync(metadata), r => r.Status == StatusCode.OK, what: "first value");
        var whileAsked = replica.Scrapes;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var afterTtl = replica.Scrapes;
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.True(afterTtl > whileAsked, "scraping continued during the TTL");
        Assert.Equal(afterTtl, replica.Scrapes);
    }
}
