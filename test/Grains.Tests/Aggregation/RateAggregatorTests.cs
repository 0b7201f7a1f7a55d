using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Aggregation;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

public sealed class RateAggregatorTests
{
    private const string Tokens = "vllm:generation_tokens_total";
    private readonly RateAggregator _rate = new();
    private readonly MetricQuery _query = Query(AggregationKind.Rate, threshold: 100, family: Tokens, windowSeconds: 60);

    [Fact]
    public void Sums_each_endpoints_per_second_growth()
    {
        var window = Window(
            Round(T0, Gauge("a", 1000, Tokens), Gauge("b", 50, Tokens)),
            Round(T0.AddSeconds(30), Gauge("a", 4000, Tokens), Gauge("b", 650, Tokens)),
            Round(T0.AddSeconds(60), Gauge("a", 7000, Tokens), Gauge("b", 1250, Tokens)));

        var answer = Aggregate(_rate, _query, window, T0.AddSeconds(60));

        // a: 6000 tokens / 60 s = 100/s; b: 1200 / 60 = 20/s.
        Assert.Equal(ScalerOutcome.Ok, answer.Outcome);
        Assert.Equal(120, answer.Value, 9);
    }

    [Fact]
    public void A_sample_whose_request_left_late_is_timed_when_its_answer_arrived()
    {
        // The newest round's request reached replica "a" 3 s after the round started (a new connection after a
        // hand-over, a busy thread pool): the counter it read is 3 s newer than the round's stamp.
        var window = Window(
            Round(T0, Gauge("a", 1000, Tokens)),
            Round(T0.AddSeconds(30), Gauge("a", 4000, Tokens)),
            Round(T0.AddSeconds(60), Gauge("a", 7300, Tokens) with { Latency = TimeSpan.FromSeconds(3), AnsweredAfter = TimeSpan.FromSeconds(3) }));

        var answer = Aggregate(_rate, _query, window, T0.AddSeconds(63));

        // 6300 tokens in 63 s is the true 100/s; timed at the round's start it would read 105/s. (The other samples
        // carry the helpers' few milliseconds of latency.)
        Assert.Equal(ScalerOutcome.Ok, answer.Outcome);
        Assert.Equal(100, answer.Value, 1);
    }

    [Fact]
    public void A_sample_whose_body_was_read_late_is_timed_when_its_answer_arrived()
    {
        // The replica answered at once, but reading and parsing its body finished 3 s later (a busy thread pool
        // resumed the scraper late): the counter is as of the answer, not of the parse.
        var window = Window(
            Round(T0, Gauge("a", 1000, Tokens)),
            Round(T0.AddSeconds(30), Gauge("a", 4000, Tokens)),
            Round(T0.AddSeconds(60), Gauge("a", 7000, Tokens) with { Latency = TimeSpan.FromSeconds(3) }));

        var answer = Aggregate(_rate, _query, window, T0.AddSeconds(63));

        // 6000 tokens in 60 s; timed when the parse ended it would read 95/s (seen on a loaded machine: 9% low).
        Assert.Equal(ScalerOutcome.Ok, answer.Outcome);
        Assert.Equal(100, answer.Value, 1);
    }

    [Fact]
    public void A_counter_reset_restarts_that_endpoints_baseline()
    {
        var window = Window(
            Round(T0, Gauge("a", 900, Tokens)),
            Round(T0.AddSeconds(30), Gauge("a", 1500, Tokens)),
            Round(T0.AddSeconds(45), Gauge("a", 120, Tokens)),
            Round(T0.AddSeconds(60), Gauge("a", 420, Tokens)));

        var answer = Aggregate(_rate, _query, window, T0.AddSeconds(60));

        // 600 before the restart, then 120 since it (from 0), then 300: 1020 over 60 s.
        Assert.Equal(17, answer.Value, 9);
    }

    [Fact]
    public void An_idle_counter_has_rate_zero()
    {
        var window = Window(Round(T0, Gauge("a", 5, Tokens)), Round(T0.AddSeconds(60), Gauge("a", 5, Tokens)));

        Assert.Equal(MetricAnswer.Of(0), Aggregate(_rate, _query, window, T0.AddSeconds(60)));
    }

    [Fact]
    public void An_endpoint_that_joined_mid_window_counts_from_its_own_first_sample()
    {
        var window = Window(
            Round(T0, Gauge("a", 0, Tokens)),
            Round(T0.AddSeconds(30), Gauge("a", 300, Tokens), Gauge("b", 1000, Tokens)),
            Round(T0.AddSeconds(60), Gauge("a", 600, Tokens), Gauge("b", 1600, Tokens)));

        var answer = Aggregate(_rate, _query, window, T0.AddSeconds(60));

        // a: 600/60 = 10/s; b: 600/30 = 20/s (not 1600 counted as growth).
        Assert.Equal(30, answer.Value, 9);
    }

    [Fact]
    public void Follows_the_warm_up_and_staleness_rules_of_windowed_avg()
    {
        var short_ = Window(Round(T0, Gauge("a", 0, Tokens)), Round(T0.AddSeconds(40), Gauge("a", 40, Tokens)));
        var full = Window(Round(T0, Gauge("a", 0, Tokens)), Round(T0.AddSeconds(24), Gauge("a", 24, Tokens)), Round(T0.AddSeconds(48), Gauge("a", 48, Tokens)));

        Assert.StartsWith("warming up", Aggregate(_rate, _query, short_, T0.AddSeconds(40)).Message, StringComparison.Ordinal);
        Assert.Equal(MetricAnswer.Of(1), Aggregate(_rate, _query, full, T0.AddSeconds(48)));
        Assert.StartsWith("stale", Aggregate(_rate, _query, full, T0.AddSeconds(200)).Message, StringComparison.Ordinal);
        Assert.StartsWith("cold", Aggregate(_rate, _query, Window(), T0).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_computed_across_a_gap_longer_than_the_staleness_bound()
    {
        // A silo was lost for 50 s (bound 45 s): the 900 tokens counted across the gap may include a restart nobody saw.
        var window = Window(
            Round(T0, Gauge("a", 0, Tokens)),
            Round(T0.AddSeconds(10), Gauge("a", 100, Tokens)),
            Round(T0.AddSeconds(60), Gauge("a", 1000, Tokens)),
            Round(T0.AddSeconds(70), Gauge("a", 1100, Tokens)));

        var answer = Aggregate(_rate, _query, window, T0.AddSeconds(70), staleAfter: TimeSpan.FromSeconds(45));

        Assert.Equal(ScalerOutcome.Unavailable, answer.Outcome);
        Assert.Contains("holds 2 sample(s) over 10s since a 50s gap in its samples (bound 45s)", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gap_within_the_staleness_bound_keeps_the_history_on_both_sides()
    {
        var window = Window(
            Round(T0, Gauge("a", 0, Tokens)),
            Round(T0.AddSeconds(10), Gauge("a", 100, Tokens)),
            Round(T0.AddSeconds(50), Gauge("a", 500, Tokens)),
            Round(T0.AddSeconds(60), Gauge("a", 600, Tokens)));

        Assert.Equal(MetricAnswer.Of(10), Aggregate(_rate, _query, window, T0.AddSeconds(60), staleAfter: TimeSpan.FromSeconds(45)));
    }

    [Fact]
    public void After_a_long_gap_the_window_answers_again_once_the_rounds_since_span_it()
    {
        var window = Window(Round(T0, Gauge("a", 0, Tokens)), Round(T0.AddSeconds(100), Gauge("a", 5000, Tokens)));
        for (var t = 110; t <= 160; t += 10)
        {
            window.Add(Round(T0.AddSeconds(t), Gauge("a", 5000 + ((t - 100) * 2), Tokens)));
        }

        // 100 s → 160 s spans the 60 s window: 120 tokens / 60 s, the 5,000 before the gap left out.
        Assert.Equal(MetricAnswer.Of(2), Aggregate(_rate, _query, window, T0.AddSeconds(160), staleAfter: TimeSpan.FromSeconds(45)));
    }
}
