using OrleansKaitoScaler.Abstractions.Metadata;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

public sealed class MetadataBoundsTests
{
    private static Dictionary<string, string> Metadata(string key, string value) => new()
    {
        ["inferenceSetName"] = "phi-4",
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = "10",
        [key] = value,
    };

    [Theory]
    [InlineData("scrapeTimeout", "5m", true)]
    [InlineData("scrapeTimeout", "5m1s", false)]
    [InlineData("scrapeTimeout", "2000h", false)]
    [InlineData("metricCacheWindow", "86400", true)]
    [InlineData("metricCacheWindow", "86401", false)]
    [InlineData("metricCacheWindow", "999999999", false)]
    public void Windows_and_timeouts_are_bounded(string key, string value, bool valid)
    {
        var parsed = ScalerMetadataParser.TryParse(Metadata(key, value), out _, out var error);

        Assert.Equal(valid, parsed);
        if (!valid)
        {
            Assert.Equal(key, error!.Key);
        }
    }
}
