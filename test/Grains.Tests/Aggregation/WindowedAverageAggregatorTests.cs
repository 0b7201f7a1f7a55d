using OrleansKaitoScaler.Abstractions.Scaling;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;
using OrleansKaitoScaler.Grains.Aggregation;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

public sealed class WindowedAverageAggregatorTests
{
    private readonly WindowedAverageAggregator _windowed = new();
    private readonly MetricQuery _query = Query(AggregationKind.WindowedAverage, threshold: 1, family: Ttft, windowSeconds: 100);

    [Fact]
    public void Divides_the_sum_delta_by_the_count_delta_between_oldest_and_newest_in_the_window()
    {
        var window = Window(
            Round(T0, Histogram("a", 10, 100), Histogram("b", 5, 50)),
            Round(T0.AddSeconds(50), Histogram("a", 14, 110), Histogram("b", 6, 52)),
            Round(T0.AddSeconds(100), Histogram("a", 16, 120), Histogram("b", 9, 60)));

        var answer = Aggregate(_windowed, _query, window, T0.AddSeconds(100));

        // Δsum = (16-10) + (9-5) = 10, Δcount = (120-100) + (60-50) = 30
        Assert.Equal(ScalerOutcome.Ok, answer.Outcome);
        Assert.Equal(10.0 / 30, answer.Value, 12);
    }

    [Fact]
    public void Ignores_samples_older_than_the_window()
    {
        var window = Window(
            Round(T0, Histogram("a", 0, 0)),
            Round(T0.AddSeconds(20), Histogram("a", 100, 10)),
            Round(T0.AddSeconds(120), Histogram("a", 120, 30)));

        var answer = Aggregate(_windowed, _query, window, T0.AddSeconds(120));

        Assert.Equal(1.0, answer.Value, 12);
    }

    [Fact]
    public void A_single_sample_is_warming_up()
    {
        var window = Window(Round(T0, Histogram("a", 10, 100)));

        var answer = Aggregate(_windowed, _query, window, T0);

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.StartsWith("warming up", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retained_span_under_80_percent_of_the_window_is_warming_up()
    {
        var warming = Window(Round(T0, Histogram("a", 1, 1)), Round(T0.AddSeconds(79), Histogram("a", 2, 2)));
        var warm = Window(Round(T0, Histogram("a", 1, 1)), Round(T0.AddSeconds(80), Histogram("a", 2, 2)));

        Assert.Equal(ScalerOutcome.Unavailable, Aggregate(_windowed, _query, warming, T0.AddSeconds(79)).Outcome);
        Assert.Equal(MetricAnswer.Of(1), Aggregate(_windowed, _query, warm, T0.AddSeconds(80)));
    }

    [Fact]
    public void An_idle_window_reads_zero()
    {
        var window = Window(Round(T0, Histogram("a", 10, 100)), Round(T0.AddSeconds(90), Histogram("a", 10, 100)));

        Assert.Equal(MetricAnswer.Of(0), Aggregate(_windowed, _query, window, T0.AddSeconds(90)));
    }

    [Fact]
    public void A_restarted_replica_counts_only_its_observations_since_the_restart()
    {
        // b restarted: (2, 9) → (1, 1) is one observation of 1 s since the restart, not −1 s over −8 requests.
        var window = Window(
            Round(T0, Histogram("a", 0, 0), Histogram("b", 2, 9)),
            Round(T0.AddSeconds(90), Histogram("a", 50, 10), Histogram("b", 1, 1)));

        var answer = Aggregate(_windowed, _query, window, T0.AddSeconds(90));

        Assert.Equal(51.0 / 11, answer.Value, 12);
    }

    [Fact]
    public void A_reset_never_produces_a_negative_latency()
    {
        var window = Window(Round(T0, Histogram("a", 50, 100)), Round(T0.AddSeconds(90), Histogram("a", 0, 0)));

        Assert.Equal(MetricAnswer.Of(0), Aggregate(_windowed, _query, window, T0.AddSeconds(90)));
    }

    [Fact]
    public void An_endpoint_that_missed_a_scrape_keeps_its_own_delta()
    {
        var window = Window(
            Round(T0, Histogram("a", 0, 0), Histogram("b", 0, 0)),
            Round(T0.AddSeconds(45), Histogram("a", 5, 5), Failed("b")),
            Round(T0.AddSeconds(90), Histogram("a", 10, 10), Histogram("b", 30, 10)));

        var answer = Aggregate(_windowed, _query, window, T0.AddSeconds(90));

        Assert.Equal(2.0, answer.Value, 12);
    }

    [Fact]
    public void Stale_histograms_are_unavailable()
    {
        var window = Window(Round(T0, Histogram("a", 1, 1)), Round(T0.AddSeconds(90), Histogram("a", 2, 2)));

        Assert.Equal(ScalerOutcome.Unavailable, Aggregate(_windowed, _query, window, T0.AddSeconds(200)).Outcome);
    }
}
