using OrleansKaitoScaler.Abstractions.Scaling;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;
using OrleansKaitoScaler.Grains.Aggregation;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

public sealed class ServiceAverageAggregatorTests
{
    private readonly ServiceAverageAggregator _average = new();

    [Fact]
    public void Averages_over_the_endpoints_that_answered()
    {
        var window = Window(Round(T0, Gauge("a", 0.2), Gauge("b", 0.6), Failed("c")));

        var answer = Aggregate(_average, Query(AggregationKind.ServiceAverage, threshold: 1), window, T0);

        Assert.Equal(ScalerOutcome.Ok, answer.Outcome);
        Assert.Equal(0.4, answer.Value, 12);
    }

    [Fact]
    public void An_endpoint_lacking_the_family_counts_as_zero_in_the_average()
    {
        var window = Window(Round(T0, Gauge("a", 0.9), Without("b"), Gauge("c", 0.3)));

        var answer = Aggregate(_average, Query(AggregationKind.ServiceAverage), window, T0);

        Assert.Equal(0.4, answer.Value, 12);
    }

    [Fact]
    public void A_family_no_endpoint_exposes_is_unavailable()
    {
        var window = Window(Round(T0, Without("a"), Without("b")));

        var answer = Aggregate(_average, Query(AggregationKind.ServiceAverage), window, T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.Contains("exposes", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_successful_endpoint_is_unavailable()
    {
        var window = Window(Round(T0, Failed("a")));

        var answer = Aggregate(_average, Query(AggregationKind.ServiceAverage), window, T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
    }
}
