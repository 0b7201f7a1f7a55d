using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;
using static OrleansKaitoScaler.GrpcGateway.Tests.Metadata.MetadataSamples;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

/// <summary>How a trigger says its endpoints are scraped: protocol, port, path, timeout, source.</summary>
public sealed class ScrapeProfileMetadataTests
{
    [Theory]
    [InlineData("http", "http")]
    [InlineData("https", "https")]
    [InlineData("HTTPS", "https")]
    [InlineData("Http", "http")]
    public void Metric_protocol_is_http_or_https_in_any_case(string text, string expected) =>
        Assert.Equal(expected, Parsed(Minimal((MetadataKeys.MetricProtocol, text))).Profile.Protocol);

    [Theory]
    [InlineData("ftp")]
    [InlineData("grpc")]
    [InlineData("http://")]
    [InlineData("h2c")]
    public void Any_other_metric_protocol_is_rejected(string text)
    {
        var error = Rejected(Minimal((MetadataKeys.MetricProtocol, text)));

        Assert.Equal(MetadataKeys.MetricProtocol, error.Key);
        Assert.Contains("http or https", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("8000", 8000)]
    [InlineData("65535", 65535)]
    [InlineData("080", 80)]
    public void Metric_port_is_a_port_number(string text, int expected) =>
        Assert.Equal(expected, Parsed(Minimal((MetadataKeys.MetricPort, text))).Profile.Port);

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("+80")]
    [InlineData("80.0")]
    [InlineData("eighty")]
    [InlineData("99999999999")]
    [InlineData("8 0")]
    public void A_metric_port_outside_1_to_65535_is_rejected(string text)
    {
        var error = Rejected(Minimal((MetadataKeys.MetricPort, text)));

        Assert.Equal(MetadataKeys.MetricPort, error.Key);
        Assert.Contains("1 to 65535", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/metrics")]
    [InlineData("/v1/metrics?format=prometheus")]
    public void Metric_path_is_any_path_starting_with_a_slash(string text) =>
        Assert.Equal(text, Parsed(Minimal((MetadataKeys.MetricPath, text))).Profile.Path);

    [Theory]
    [InlineData("metrics", "start with '/'")]
    [InlineData("http://x/metrics", "start with '/'")]
    [InlineData("/my metrics", "spaces")]
    public void A_metric_path_that_cannot_be_scraped_is_rejected(string text, string reason)
    {
        var error = Rejected(Minimal((MetadataKeys.MetricPath, text)));

        Assert.Equal(MetadataKeys.MetricPath, error.Key);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("3s", 3000)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("250000us", 250)]
    public void Scrape_timeout_is_a_Go_duration(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Parsed(Minimal((MetadataKeys.ScrapeTimeout, text))).Profile.Timeout);

    [Theory]
    [InlineData("3", "not a duration")]
    [InlineData("3 s", "not a duration")]
    [InlineData("3sec", "not a duration")]
    [InlineData("PT3S", "not a duration")]
    [InlineData("00:00:03", "not a duration")]
    [InlineData("0", "greater than 0")]
    [InlineData("0s", "greater than 0")]
    [InlineData("-1s", "greater than 0")]
    [InlineData("50ns", "greater than 0")]
    public void A_scrape_timeout_that_is_not_a_positive_Go_duration_is_rejected(string text, string reason)
    {
        var error = Rejected(Minimal((MetadataKeys.ScrapeTimeout, text)));

        Assert.Equal(MetadataKeys.ScrapeTimeout, error.Key);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("500ms", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("modelpod")]
    [InlineData("ModelPod")]
    public void Metric_source_modelpod_is_known(string text) =>
        Assert.Equal(MetricSources.ModelPod, Parsed(Minimal((MetadataKeys.MetricSource, text))).Profile.Source);

    [Fact]
    public void An_unknown_metric_source_is_rejected_listing_the_known_ones()
    {
        var error = Rejected(Minimal((MetadataKeys.MetricSource, "prometheus")));

        Assert.Equal(MetadataKeys.MetricSource, error.Key);
        Assert.Contains("'prometheus'", error.Message, StringComparison.Ordinal);
        Assert.Contains("modelpod", error.Message, StringComparison.Ordinal);
    }
}
