using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.TestSupport;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Cluster.Tests;

[Collection(OneClusterAtATime.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Count = 1000;
    private const int WindowSeconds = 20;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_thousand_InferenceSets_spread_over_three_silos_and_keep_their_windows_when_one_is_killed()
    {
        await using var scaler = await ScalerCluster.StartAsync(silos: 3, Count, Interval, balanceInterval: TimeSpan.FromSeconds(5));
        var query = ScalerCluster.RateQuery(WindowSeconds);

        // KEDA registers every trigger; rates answer once a window spans 80% of 20 s.
        await Eventually.Get(
            async () => (await AskAllAsync(scaler, query, null)).Count(a => a.Outcome == ScalerOutcome.Ok),
            ok => ok == Count,
            TimeSpan.FromSeconds(90),
            "InferenceSets answering their rate");

        var bySilo = scaler.GrainsBySilo();
        output.WriteLine("grains per silo: " + string.Join(", ", bySilo.Select(s => $"{s.Key}={s.Value.Count}")));
        Assert.Equal(Count, bySilo.Values.Sum(k => k.Count));
        Assert.All(bySilo.Values, keys => Assert.InRange(keys.Count, 1, Count * 40 / 100));

        // Steady KEDA calls while a silo dies.
        var victim = scaler.Cluster.SecondarySilos[0];
        var lost = bySilo[victim.SiloAddress].Select(k => int.Parse(k.Name["is-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var calls = new ConcurrentBag<Call>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var callers = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // KEDA-like: every trigger asked twice a scrape interval, not a flood.
                var sweep = Task.Delay(Interval / 2);
                await AskAllAsync(scaler, query, (i, answer) => calls.Add(new Call(i, clock.Elapsed, answer)));
                await sweep;
            }
        });

        await Task.Delay(Interval * 2);
        var killedAt = clock.Elapsed;
        await scaler.Cluster.KillSiloAsync(victim);
        await Eventually.True(
            () => lost.All(i => calls.Any(c => c.InferenceSet == i && c.At > killedAt && c.Answer.Outcome == ScalerOutcome.Ok)),
            TimeSpan.FromSeconds(60),
            "every InferenceSet of the killed silo answering again");
        await Task.Delay(Interval * 2);
        await stop.CancelAsync();
        await callers;

        var backAfter = lost.Select(i => calls.Where(c => c.InferenceSet == i && c.At > killedAt && c.Answer.Outcome == ScalerOutcome.Ok).Min(c => c.At) - killedAt).ToList();
        var errors = calls.Where(c => c.Answer.Outcome != ScalerOutcome.Ok).GroupBy(c => c.Answer.Message?.Split(':', '(')[0].Trim() ?? c.Answer.Outcome.ToString()).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{calls.Count} calls; {lost.Count} InferenceSets lost their silo; back after max {backAfter.Max().TotalSeconds:0.0}s, median {backAfter.Order().ElementAt(backAfter.Count / 2).TotalSeconds:0.0}s");
        output.WriteLine("non-OK answers: " + string.Join(", ", errors.Select(e => $"{e.Key}={e.Value}")));

        // No value computed from missing data: every OK answer is the true rate (the counters grow steadily).
        Assert.All(calls.Where(c => c.Answer.Outcome == ScalerOutcome.Ok), c =>
            Assert.InRange(c.Answer.Value, ScalerCluster.TokensPerSecond(c.InferenceSet) * 0.95, ScalerCluster.TokensPerSecond(c.InferenceSet) * 1.05));

        // Windows kept their history: a window started afresh would warm up for 16 s.
        Assert.DoesNotContain(calls, c => c.At > killedAt && c.Answer.Message?.StartsWith("warming up", StringComparison.Ordinal) == true);
        Assert.True(backAfter.Max() <= Interval * 2, $"back after {backAfter.Max()}, not within 2 scrape intervals");
    }

    private static async Task<MetricAnswer[]> AskAllAsync(ScalerCluster scaler, MetricQuery query, Action<int, MetricAnswer>? record)
    {
        var answers = new MetricAnswer[Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            MetricAnswer answer;
            try
            {
                answer = await scaler.Grain(i).GetMetric(query);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
            {
                // What the gateway turns into Unavailable (HPA holds).
                answer = MetricAnswer.Unavailable($"cluster: {e.GetType().Name}");
            }

            answers[i] = answer;
            record?.Invoke(i, answer);
        });
        return answers;
    }

    private sealed record Call(int InferenceSet, TimeSpan At, MetricAnswer Answer);
}
