using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

public sealed class QuantileMetadataTests
{
    private static Dictionary<string, string> Metadata(string aggregation, string? quantile = null)
    {
        var values = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "vllm:time_to_first_token_seconds",
            ["aggregation"] = aggregation,
        };
        if (quantile is not null)
        {
            values["quantile"] = quantile;
        }

        return values;
    }

    [Theory]
    [InlineData("rate", Aggregation.Rate)]
    [InlineData("max", Aggregation.Max)]
    [InlineData("quantile", Aggregation.Quantile)]
    [InlineData("Quantile", Aggregation.Quantile)]
    public void The_slo_aggregations_parse_with_threshold_optional(string name, Aggregation expected)
    {
        Assert.True(ScalerMetadataParser.TryParse(Metadata(name), out var parsed, out var error), error?.ToString());

        Assert.Equal(expected, parsed.Aggregation);
        Assert.Equal(1, parsed.Threshold);
        Assert.Equal(0.95, parsed.Quantile);
        Assert.Equal(0.95, parsed.ToQuery().Quantile);
    }

    [Fact]
    public void The_quantile_key_sets_the_quantile()
    {
        Assert.True(ScalerMetadataParser.TryParse(Metadata("quantile", "0.5"), out var parsed, out _));

        Assert.Equal(0.5, parsed.ToQuery().Quantile);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("-0.5")]
    [InlineData("p95")]
    [InlineData("NaN")]
    [InlineData("95%")]
    public void A_quantile_outside_zero_to_one_is_invalid_argument_naming_the_key(string value)
    {
        Assert.False(ScalerMetadataParser.TryParse(Metadata("quantile", value), out _, out var error));

        Assert.Equal("quantile", error.Key);
        Assert.Contains("between 0 and 1", error.Message, StringComparison.Ordinal);
    }
}
