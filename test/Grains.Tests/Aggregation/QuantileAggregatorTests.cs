using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Aggregation;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

public sealed class QuantileAggregatorTests
{
    private readonly QuantileAggregator _quantile = new();

    private static MetricQuery P(double q) => Query(AggregationKind.Quantile, threshold: 0.5, family: Ttft, windowSeconds: 60, quantile: q);

    [Fact]
    public void Interpolates_inside_the_bucket_from_bucket_increases_over_the_window()
    {
        // Baseline already holds old observations; only the 100 new ones in the window count:
        // ≤0.1: 20, ≤0.5: 70 (50 in 0.1–0.5), ≤1: 100 (30 in 0.5–1).
        var window = Window(
            Round(T0, Buckets("a", (0.1, 500), (0.5, 900), (1, 1000), (double.PositiveInfinity, 1000))),
            Round(T0.AddSeconds(60), Buckets("a", (0.1, 520), (0.5, 970), (1, 1100), (double.PositiveInfinity, 1100))));

        var p50 = Aggregate(_quantile, P(0.5), window, T0.AddSeconds(60));
        var p95 = Aggregate(_quantile, P(0.95), window, T0.AddSeconds(60));

        // p50: rank 50 in (0.1, 0.5] holding 20..70 → 0.1 + 0.4·(30/50) = 0.34; p95: rank 95 in (0.5, 1] holding 70..100 → 0.5 + 0.5·(25/30).
        Assert.Equal(0.34, p50.Value, 9);
        Assert.Equal(0.5 + (0.5 * 25 / 30), p95.Value, 9);
    }

    [Fact]
    public void Merges_bucket_increases_over_endpoints_and_handles_a_reset()
    {
        var window = Window(
            Round(T0, Buckets("a", (1, 10), (2, 10), (double.PositiveInfinity, 10)), Buckets("b", (1, 100), (2, 150), (double.PositiveInfinity, 150))),
            Round(T0.AddSeconds(60), Buckets("a", (1, 20), (2, 20), (double.PositiveInfinity, 20)), Buckets("b", (1, 0), (2, 10), (double.PositiveInfinity, 10))));

        var answer = Aggregate(_quantile, P(0.5), window, T0.AddSeconds(60));

        // a adds 10 at ≤1; b restarted: 0 at ≤1, 10 at ≤2. Merged cumulative: ≤1: 10, ≤2: 20, +Inf: 20 → p50 = 1.
        Assert.Equal(1, answer.Value, 9);
    }

    [Fact]
    public void A_single_finite_bucket_interpolates_from_zero()
    {
        var window = Window(
            Round(T0, Buckets("a", (2, 0), (double.PositiveInfinity, 0))),
            Round(T0.AddSeconds(60), Buckets("a", (2, 40), (double.PositiveInfinity, 40))));

        Assert.Equal(1.9, Aggregate(_quantile, P(0.95), window, T0.AddSeconds(60)).Value, 9);
    }

    [Fact]
    public void A_rank_in_the_inf_bucket_answers_the_highest_finite_bound()
    {
        var window = Window(
            Round(T0, Buckets("a", (1, 0), (double.PositiveInfinity, 0))),
            Round(T0.AddSeconds(60), Buckets("a", (1, 5), (double.PositiveInfinity, 100))));

        Assert.Equal(MetricAnswer.Of(1), Aggregate(_quantile, P(0.95), window, T0.AddSeconds(60)));
    }

    [Fact]
    public void An_inf_only_histogram_is_unavailable()
    {
        var window = Window(
            Round(T0, Buckets("a", (double.PositiveInfinity, 0))),
            Round(T0.AddSeconds(60), Buckets("a", (double.PositiveInfinity, 9))));

        var answer = Aggregate(_quantile, P(0.95), window, T0.AddSeconds(60));

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.Contains("only the +Inf bucket", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_window_reads_zero()
    {
        var window = Window(
            Round(T0, Buckets("a", (1, 7), (double.PositiveInfinity, 7))),
            Round(T0.AddSeconds(60), Buckets("a", (1, 7), (double.PositiveInfinity, 7))));

        Assert.Equal(MetricAnswer.Of(0), Aggregate(_quantile, P(0.95), window, T0.AddSeconds(60)));
    }

    [Fact]
    public void A_gauge_family_without_buckets_is_unavailable()
    {
        var window = Window(Round(T0, Gauge("a", 1, Ttft)), Round(T0.AddSeconds(60), Gauge("a", 2, Ttft)));

        Assert.Equal(ScalerOutcome.Unavailable, Aggregate(_quantile, P(0.95), window, T0.AddSeconds(60)).Outcome);
    }

    [Fact]
    public void Warms_up_like_windowed_avg()
    {
        var window = Window(Round(T0, Buckets("a", (1, 0), (double.PositiveInfinity, 0))));

        Assert.StartsWith("warming up", Aggregate(_quantile, P(0.95), window, T0).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rounds_that_kept_no_buckets_are_not_read_as_empty_histograms()
    {
        // The family was scraped for a windowed-avg (sum and count only) until a quantile trigger asked at T0+60: the
        // rounds before kept no buckets. Read as zero counts, the first round with buckets would be 1,000 new
        // observations, all ≤ 0.1 (p95 0.095); only the rounds with buckets say what the window saw.
        var noBuckets = new HashSet<string>();
        var window = Window(
            Round(T0, Histogram("a", 50, 1000)) with { BucketFamilies = noBuckets },
            Round(T0.AddSeconds(30), Histogram("a", 51, 1010)) with { BucketFamilies = noBuckets },
            Round(T0.AddSeconds(60), Buckets("a", (0.1, 1000), (1, 1020), (double.PositiveInfinity, 1020))) with { BucketFamilies = new HashSet<string> { Ttft } });

        var early = Aggregate(_quantile, P(0.95), window, T0.AddSeconds(60));
        Assert.Equal(ScalerOutcome.Unavailable, early.Outcome);
        Assert.StartsWith("warming up", early.Message, StringComparison.Ordinal);
        Assert.Contains("holds 1 sample(s)", early.Message, StringComparison.Ordinal);

        window.Add(Round(T0.AddSeconds(120), Buckets("a", (0.1, 1000), (1, 1040), (double.PositiveInfinity, 1040))) with { BucketFamilies = new HashSet<string> { Ttft } });

        // 20 new observations, all in (0.1, 1]: p95 = 0.1 + 0.9·0.95.
        Assert.Equal(0.1 + (0.9 * 0.95), Aggregate(_quantile, P(0.95), window, T0.AddSeconds(120)).Value, 9);
    }
}
