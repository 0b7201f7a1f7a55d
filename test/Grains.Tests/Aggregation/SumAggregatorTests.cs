using OrleansKaitoScaler.Abstractions.Scaling;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;
using OrleansKaitoScaler.Grains.Aggregation;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

public sealed class SumAggregatorTests
{
    private readonly SumAggregator _sum = new();

    [Fact]
    public void Sums_the_family_over_every_endpoint()
    {
        var window = Window(Round(T0, Gauge("a", 4), Gauge("b", 7), Gauge("c", 1)));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum), window, T0);

        Assert.Equal(MetricAnswer.Of(12), answer);
    }

    [Fact]
    public void Sum_adds_threshold_for_each_failed_endpoint_when_scaling_down()
    {
        // avg over the two that answered is 3 < threshold 10: the failed one is assumed at target.
        var window = Window(Round(T0, Gauge("a", 2), Gauge("b", 4), Failed("c")));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum, threshold: 10), window, T0);

        Assert.Equal(MetricAnswer.Of(16), answer);
    }

    [Fact]
    public void Sum_counts_failed_endpoints_as_zero_when_scaling_up()
    {
        // avg 15 ≥ threshold 10: the failed one is assumed idle so it cannot inflate the scale-up.
        var window = Window(Round(T0, Gauge("a", 12), Gauge("b", 18), Failed("c")));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum, threshold: 10), window, T0);

        Assert.Equal(MetricAnswer.Of(30), answer);
    }

    [Fact]
    public void Sum_treats_an_average_exactly_at_threshold_as_the_scale_up_direction()
    {
        var window = Window(Round(T0, Gauge("a", 10), Failed("b")));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum, threshold: 10), window, T0);

        Assert.Equal(MetricAnswer.Of(10), answer);
    }

    [Fact]
    public void A_scraped_endpoint_without_the_family_counts_as_zero()
    {
        var window = Window(Round(T0, Gauge("a", 5), Without("b")));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum), window, T0);

        Assert.Equal(MetricAnswer.Of(5), answer);
    }

    [Fact]
    public void A_family_no_endpoint_exposes_sums_to_zero()
    {
        var window = Window(Round(T0, Without("a"), Without("b")));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum, threshold: 1), window, T0);

        Assert.Equal(MetricAnswer.Of(0), answer);
    }

    [Fact]
    public void No_successful_endpoint_is_unavailable_so_HPA_holds()
    {
        var window = Window(Round(T0, Failed("a"), Failed("b")));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum), window, T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.Contains("no endpoint", answer.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cold_window_is_unavailable()
    {
        var answer = Aggregate(_sum, Query(AggregationKind.Sum), Window(), T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.StartsWith("cold:", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newest_sample_older_than_the_staleness_bound_is_unavailable()
    {
        var window = Window(Round(T0, Gauge("a", 5)));

        var fresh = Aggregate(_sum, Query(AggregationKind.Sum), window, T0.AddSeconds(45), staleAfter: TimeSpan.FromSeconds(45));
        var stale = Aggregate(_sum, Query(AggregationKind.Sum), window, T0.AddSeconds(46), staleAfter: TimeSpan.FromSeconds(45));

        Assert.Equal(MetricAnswer.Of(5), fresh);
        Assert.Equal(ScalerOutcome.Unavailable, stale.Outcome);
        Assert.StartsWith("stale:", stale.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_InferenceSet_with_no_services_is_unavailable()
    {
        var window = Window(Round(T0));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum), window, T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.Contains("no Workspace services", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_histogram_family_is_refused_rather_than_summed_to_a_silent_zero()
    {
        var window = Window(Round(T0, Histogram("a", 3, 2, Waiting)));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum), window, T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.Contains("windowed-avg", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NaN_total_is_unavailable_never_sent_to_KEDA()
    {
        var window = Window(Round(T0, Gauge("a", double.NaN)));

        var answer = Aggregate(_sum, Query(AggregationKind.Sum), window, T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
    }
}
