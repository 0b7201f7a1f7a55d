using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Tests.Scraping;

public sealed class EndpointResolverTests
{
    private static InferenceSetSnapshot Services(params InferenceSetService[] services) =>
        new(new InferenceSetKey("default", "phi-4"), true, null, null, services);

    [Fact]
    public void Forms_the_go_scalers_cluster_url()
    {
        var endpoints = EndpointResolver.Resolve(
            Services(new InferenceSetService("phi-4-0", "phi-4-0.default.svc.cluster.local", null)),
            new ScrapeProfile("modelpod", "https", 5000, "/metrics", TimeSpan.FromSeconds(3)));

        Assert.Equal("https://phi-4-0.default.svc.cluster.local:5000/metrics", endpoints[0].Url!.ToString());
    }

    [Theory]
    [InlineData("//evil.example/metrics")]
    [InlineData("/@evil.example/metrics")]
    [InlineData("/metrics#@evil.example:1/")]
    [InlineData("/..%2f..%2f/metrics?target=http://evil.example/")]
    [InlineData("/metrics\r\nHost: evil.example")]
    public void A_metric_path_from_trigger_metadata_never_changes_the_host_or_port_scraped(string path)
    {
        // Trigger metadata chooses protocol, port and path only: the host is always the Workspace's Service.
        var endpoints = EndpointResolver.Resolve(
            Services(new InferenceSetService("phi-4-0", "phi-4-0.default.svc.cluster.local", null)),
            new ScrapeProfile("modelpod", "http", 8000, path, TimeSpan.FromSeconds(3)));

        var url = endpoints[0].Url;
        Assert.True(url is null || (url.Host == "phi-4-0.default.svc.cluster.local" && url.Port == 8000), url?.ToString());
    }

    [Fact]
    public async Task An_address_that_is_not_a_url_fails_only_its_own_endpoint()
    {
        var endpoints = EndpointResolver.Resolve(
            Services(new InferenceSetService("bad", "localhost:8000", null), new InferenceSetService("good", "127.0.0.1", 9)),
            ScrapeProfile.Default);
        using var scraper = new HttpMetricsScraper(Options.Create(new ScrapeOptions()), TimeProvider.System);

        var bad = await scraper.ScrapeAsync(endpoints[0], TimeSpan.FromSeconds(1), FamilySelection.Of(["x"]), CancellationToken.None);

        Assert.Null(endpoints[0].Url);
        Assert.NotNull(endpoints[1].Url);
        Assert.Equal(ScrapeErrorReason.InvalidAddress, bad.ErrorReason);
        Assert.Contains("localhost:8000", bad.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15, 3, 3)]
    [InlineData(15, 60, 15)]
    [InlineData(0.2, 30, 1)]
    [InlineData(0.2, 0.5, 0.5)]
    public void A_timeout_is_capped_at_the_interval_but_never_below_a_second(double intervalSeconds, double timeoutSeconds, double effectiveSeconds)
    {
        using var scraper = new HttpMetricsScraper(Options.Create(new ScrapeOptions { Interval = TimeSpan.FromSeconds(intervalSeconds) }), TimeProvider.System);

        Assert.Equal(TimeSpan.FromSeconds(effectiveSeconds), scraper.EffectiveTimeout(TimeSpan.FromSeconds(timeoutSeconds)));
    }
}
