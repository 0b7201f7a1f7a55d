using System.Collections.Concurrent;
using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Faults.Tests.Figures;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.Grains.Windows;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Faults.Tests.Clock;

/// <summary>
/// The wall clock jumping under a target's window (an NTP step, a VM paused and resumed), with a fake clock under the
/// real window and aggregation classes (<see cref="InferenceSetTargets"/>), two replicas whose counters grow with the
/// true elapsed time: every answer is a finite, non-negative value or a hold, and nothing is computed across a jump of
/// any size: the monotonic clock shows the step, the window restarts and warms up again, and its first rate after it is
/// exact (a step under the staleness bound used to skew a rate by step / window).
/// Related: <c>Grains.Tests/Windows/SampleWindowTests.A_clock_that_stepped_back_restarts_the_window_instead_of_freezing_it</c>,
/// <c>Grains.Tests/Aggregation/RateAggregatorTests.Nothing_is_computed_across_a_gap_longer_than_the_staleness_bound</c>.
/// </summary>
public sealed class ClockJumpTests(ITestOutputHelper output)
{
    private const double TokensPerSecond = 50;
    private const double RequestsPerSecond = 10;
    private const double MeanLatency = 0.4;
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(120);

    private static readonly InferenceSetSnapshot s_inferenceSet = new(
        new InferenceSetKey("default", "phi-4"), true, 2, 2,
        [new InferenceSetService("phi-4-0", "10.0.0.1", null), new InferenceSetService("phi-4-1", "10.0.0.2", null)]);

    private static readonly MetricQuery[] s_queries =
    [
        new(ScrapeProfile.Default, "vllm:generation_tokens_total", Aggregation.Rate, 1, s_window),
        new(ScrapeProfile.Default, "vllm:e2e_request_latency_seconds", Aggregation.WindowedAverage, 1, s_window),
        new(ScrapeProfile.Default, "vllm:e2e_request_latency_seconds", Aggregation.Quantile, 1, s_window, 0.95),
        new(ScrapeProfile.Default, "vllm:num_requests_waiting", Aggregation.Sum, 10, s_window),
    ];

    /// <summary>(name, wall-clock jump in seconds, whether the replicas' counters ran on during it).</summary>
    public static TheoryData<string, int, bool> Jumps() => new()
    {
        { "NTP step forward 10 min", 600, false },
        { "VM paused 10 min (counters ran on)", 600, true },
        { "NTP step forward 30 s (under the staleness bound)", 30, false },
        { "NTP step forward 2 s", 2, false },
        { "NTP step back 1 h", -3600, false },
        { "NTP step back 5 s (rounds stay in order)", -5, false },
        { "NTP step back 40 s (rounds out of order)", -40, false },
    };

    [Theory]
    [MemberData(nameof(Jumps))]
    public async Task A_clock_jump_gives_no_negative_value_and_none_computed_across_the_gap(string name, int jumpSeconds, bool countersRanOn)
    {
        var clock = new WallClock(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var replicas = new GrowingReplicas();
        var options = new ScrapeOptions { Interval = s_interval, TargetTtl = TimeSpan.FromHours(2) };
        var targets = new InferenceSetTargets(replicas, options, clock);
        foreach (var query in s_queries)
        {
            targets.Register(query);
        }

        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        var maxRateError = 0.0;
        var calls = 0;
        var jumped = false;
        TimeSpan? warmAgain = null;
        var sinceJump = TimeSpan.Zero;

        void AskAll(string when)
        {
            foreach (var query in s_queries)
            {
                var answer = targets.Answer(query, s_inferenceSet);
                calls++;
                AnswerKinds.Count(answers, answer.Outcome == ScalerOutcome.Ok ? "OK" : AnswerKinds.Of(Grpc.Core.StatusCode.Unavailable, answer.Message ?? ""));
                if (answer.Outcome != ScalerOutcome.Ok)
                {
                    continue;
                }

                if (!double.IsFinite(answer.Value) || answer.Value < 0)
                {
                    problems.Add($"{when}: {query.Aggregation} = {answer.Value}");
                }

                if (query.Aggregation == Aggregation.Rate)
                {
                    var error = Math.Abs(answer.Value - (2 * TokensPerSecond)) / (2 * TokensPerSecond);
                    if (jumped)
                    {
                        // Right after the jump, before a new round, the answer is still the window from before it.
                        maxRateError = Math.Max(maxRateError, error);
                        if (sinceJump > TimeSpan.Zero)
                        {
                            warmAgain ??= sinceJump;
                        }
                    }
                    else if (error > 0.001)
                    {
                        problems.Add($"{when}: rate {answer.Value} before any jump");
                    }
                }

                if (query.Aggregation == Aggregation.WindowedAverage && Math.Abs(answer.Value - MeanLatency) > 1e-6)
                {
                    problems.Add($"{when}: windowed-avg {answer.Value}");
                }
            }
        }

        async Task RoundAsync()
        {
            clock.Advance(s_interval);
            replicas.Run(s_interval);
            if (jumped)
            {
                sinceJump += s_interval;
            }

            await targets.ScrapeAllAsync(s_inferenceSet, CancellationToken.None);
            AskAll($"{replicas.Elapsed.TotalSeconds:0}s");
        }

        for (var i = 0; i < 12; i++)
        {
            await RoundAsync();
        }

        // The jump: the wall clock moves, the monotonic clock does not (it counts time that passed, and a paused VM's
        // may have stood still); the replicas' counters only if time really passed (a paused VM).
        clock.Step(TimeSpan.FromSeconds(jumpSeconds));
        if (countersRanOn)
        {
            replicas.Run(TimeSpan.FromSeconds(jumpSeconds));
        }

        jumped = true;
        AskAll("right after the jump");
        for (var i = 0; i < 16; i++)
        {
            await RoundAsync();
        }

        // Nothing is computed across a step of any size: the window warms up again, its first value a window later, exact.
        const double bound = 0.001;
        FaultFigures.Record(new FaultFigure(
            "clock", name, 1, calls, answers, new Dictionary<string, int>(), warmAgain,
            string.Create(CultureInfo.InvariantCulture, $"max rate error after the jump {maxRateError:P1} (bound {bound:P1}); recovery = scrape time from the jump to the first rate computed after it")));
        output.WriteLine($"{name}: {string.Join(", ", answers.Select(a => $"{a.Key}={a.Value}"))}; max rate error {maxRateError:P2}; rate again after {warmAgain}");

        Assert.Empty(problems);
        Assert.True(maxRateError <= bound, $"rate off by {maxRateError:P1} after '{name}' (bound {bound:P1})");
        Assert.NotNull(warmAgain);
        Assert.True(warmAgain >= s_window * 0.8, $"a rate {warmAgain} after the jump: computed across it");
    }

    [Fact]
    public async Task Time_that_passes_on_both_clocks_restarts_nothing_and_a_step_under_the_tolerance_neither()
    {
        var (clock, targets, target) = RateTarget();

        for (var i = 0; i < 6; i++)
        {
            clock.Advance(s_interval);
            if (i == 3)
            {
                clock.Step(InferenceSetTargets.ClockStepTolerance - TimeSpan.FromMilliseconds(100));
            }

            await targets.ScrapeAllAsync(s_inferenceSet, CancellationToken.None);
        }

        Assert.Null(target.TakeClockStep());
        Assert.Equal(6, target.Window.Count);

        clock.Advance(s_interval);
        clock.Step(TimeSpan.FromSeconds(-3));
        await targets.ScrapeAllAsync(s_inferenceSet, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(-3), target.TakeClockStep());
        Assert.Null(target.TakeClockStep());
        Assert.Equal(1, target.Window.Count);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public async Task A_thread_stalled_between_reading_the_two_clocks_is_not_taken_for_a_clock_step(int stalledReadings)
    {
        var (clock, targets, target) = RateTarget();

        for (var i = 0; i < 6; i++)
        {
            clock.Advance(s_interval);
            if (i == 2)
            {
                // A second passes (on both clocks) inside each of the next monotonic readings, as in a long GC pause.
                clock.StallNextReadings(stalledReadings);
            }

            await targets.ScrapeAllAsync(s_inferenceSet, CancellationToken.None);
            Assert.Null(target.TakeClockStep());
        }

        Assert.Equal(6, target.Window.Count);
    }

    /// <summary>A target scraping the two growing replicas for the rate query, under a clock the test moves.</summary>
    private static (WallClock Clock, InferenceSetTargets Targets, ScrapeTarget Target) RateTarget()
    {
        var clock = new WallClock(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var targets = new InferenceSetTargets(new GrowingReplicas(), new ScrapeOptions { Interval = s_interval }, clock);
        targets.Register(s_queries[0]);
        return (clock, targets, targets.All.Single());
    }

    /// <summary>
    /// A wall clock a test steps forwards or backwards (FakeTimeProvider refuses to go back, and moves its monotonic
    /// clock with its wall clock), beside a monotonic clock that only time passing moves.
    /// </summary>
    private sealed class WallClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        private long _elapsedTicks;
        private int _stalls;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        /// <summary>Time passes: both clocks move.</summary>
        public void Advance(TimeSpan by)
        {
            _now += by;
            _elapsedTicks += by.Ticks;
        }

        /// <summary>The wall clock is set: only it moves.</summary>
        public void Step(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;

        /// <summary>The next <paramref name="count"/> monotonic readings each take a second, which passes on both clocks.</summary>
        public void StallNextReadings(int count) => _stalls = count;

        public override long GetTimestamp()
        {
            if (_stalls > 0)
            {
                _stalls--;
                Advance(TimeSpan.FromSeconds(1));
            }

            return _elapsedTicks;
        }
    }

    /// <summary>Two replicas whose token counter and latency histogram grow with the true elapsed time.</summary>
    private sealed class GrowingReplicas : IMetricsScraper
    {
        public TimeSpan Elapsed { get; private set; }

        public void Run(TimeSpan time) => Elapsed += time;

        public Task<EndpointScrape> ScrapeAsync(ScrapeEndpoint endpoint, TimeSpan timeout, FamilySelection families, CancellationToken cancellationToken)
        {
            var seconds = Elapsed.TotalSeconds;
            var count = RequestsPerSecond * seconds;
            var histogram = new HistogramValue(
                MeanLatency * count, count,
                [new HistogramBucket(0.25, count * 0.2), new HistogramBucket(0.5, count * 0.7), new HistogramBucket(1, count), new HistogramBucket(double.PositiveInfinity, count)]);
            return Task.FromResult(EndpointScrape.Success(
                endpoint.Name,
                new Dictionary<string, FamilyValue>
                {
                    ["vllm:generation_tokens_total"] = new(TokensPerSecond * seconds, null),
                    ["vllm:e2e_request_latency_seconds"] = new(0, histogram),
                    ["vllm:num_requests_waiting"] = new(3, null),
                },
                TimeSpan.FromMilliseconds(2),
                1000));
        }
    }
}
