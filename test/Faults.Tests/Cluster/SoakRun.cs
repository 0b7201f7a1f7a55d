using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.Faults.Tests.Figures;
using OrleansKaitoScaler.TestSupport;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Faults.Tests.Cluster;

/// <summary>
/// A 3-silo cluster under KEDA's calls while InferenceSets and replicas come and go and silos restart, then checked:
/// every answer was a true value or a hold (never a number from missing data), every live InferenceSet answers again,
/// the active grains are exactly the live InferenceSets, each live replica is scraped once per interval (no timer
/// left behind), and the heap did not grow beyond the bound. Every fourth InferenceSet is "steady" (one replica, asked
/// for its token rate: the window must survive restarts); the others are asked for the sum of a gauge and change
/// their replica count (1–3).
/// </summary>
internal sealed class SoakRun(SoakSettings settings, ITestOutputHelper output)
{
    private const int MaxReplicas = 3;
    private readonly ConcurrentDictionary<string, int> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _wrong = new();
    private readonly List<Sweep> _sweeps = [];
    private readonly List<TimeSpan> _restarts = [];
    private readonly List<double> _durations = [];
    private readonly Dictionary<InferenceSetKey, TimeSpan> _removed = [];
    private readonly Stopwatch _clock = new();
    private int _calls;

    public async Task<SoakReport> RunAsync(string area, string name)
    {
        using var durations = ListenToScrapeDurations();
        var random = new Random(20261123);
        var next = settings.InferenceSets;
        await using var scaler = await ChurnCluster.StartAsync(
            silos: 3, Enumerable.Range(0, settings.InferenceSets).Select(i => (i, Steady(i) ? 1 : 1 + (i % MaxReplicas))), settings.Interval);
        _clock.Start();

        using var stop = new CancellationTokenSource();
        var keda = Task.Run(() => AskAsync(scaler, stop.Token));

        // Warm-up: every InferenceSet answers (rates once their window is 80% full).
        await Eventually.True(() => LastSweepAllOk(), TimeSpan.FromSeconds(120), "every InferenceSet answering after start");
        var warmedUp = _clock.Elapsed;
        var heapBefore = Heap();
        var grainsPeak = 0;

        // Churn: replace InferenceSets, change replica counts, restart a silo now and then.
        var churnEnd = _clock.Elapsed + settings.Churn;
        var nextRestart = settings.RestartEvery is { } every ? _clock.Elapsed + every / 2 : TimeSpan.MaxValue;
        var replaced = 0;
        var resized = 0;
        while (_clock.Elapsed < churnEnd)
        {
            var live = scaler.Live.Keys.ToArray();
            var count = settings.ChurnFraction == 0 ? 0 : Math.Max(1, (int)(live.Length * settings.ChurnFraction));
            foreach (var i in live.OrderBy(_ => random.Next()).Take(count))
            {
                scaler.Remove(i);
                _removed[ChurnCluster.Key(i)] = _clock.Elapsed;
                scaler.Set(next, Steady(next) ? 1 : 1 + random.Next(MaxReplicas));
                next++;
                replaced++;
            }

            foreach (var i in scaler.Live.Keys.Where(i => !Steady(i)).OrderBy(_ => random.Next()).Take(count).ToArray())
            {
                scaler.Set(i, 1 + random.Next(MaxReplicas));
                resized++;
            }

            if (_clock.Elapsed >= nextRestart)
            {
                var victim = scaler.Cluster.SecondarySilos[0];
                _restarts.Add(_clock.Elapsed);
                output.WriteLine($"{_clock.Elapsed.TotalSeconds:0}s: killing {victim.SiloAddress}");
                await scaler.Cluster.KillSiloAsync(victim);
                await scaler.Cluster.StartAdditionalSiloAsync();
                nextRestart = _clock.Elapsed + settings.RestartEvery!.Value;
            }

            grainsPeak = Math.Max(grainsPeak, scaler.ActiveInferenceSetGrains());
            await Task.Delay(settings.ChurnEvery);
        }

        // Quiet: everything live answers again, and what is active is what is live.
        var quietFrom = _clock.Elapsed;
        await Eventually.True(() => LastSweepAllOk(after: quietFrom), TimeSpan.FromSeconds(90), "every live InferenceSet answering after the churn");
        var allOkAfterChurn = _clock.Elapsed - quietFrom;
        var liveCount = scaler.Live.Count;
        string grains = "";
        try
        {
            await Eventually.Get(
                async () => (Local: scaler.ActiveInferenceSetGrains(), Activations: await scaler.ActivationsAsync()),
                g => g.Local == liveCount && g.Activations.GetValueOrDefault("InferenceSetGrain") == liveCount && g.Activations.GetValueOrDefault("WindowCheckpointGrain") <= liveCount,
                TimeSpan.FromSeconds(60),
                "active grains equal to live InferenceSets");
        }
        finally
        {
            var activations = await scaler.ActivationsAsync();
            grains = $"oks.grains.active {scaler.ActiveInferenceSetGrains()}, InferenceSetGrain {activations.GetValueOrDefault("InferenceSetGrain")}, WindowCheckpointGrain {activations.GetValueOrDefault("WindowCheckpointGrain")}, live {liveCount}";
            output.WriteLine(grains);
            var strays = scaler.ActiveKeys().Except(scaler.Live.Keys.Select(ChurnCluster.Key)).ToArray();
            if (strays.Length > 0)
            {
                output.WriteLine("active without a live InferenceSet: " + string.Join(", ", strays.Select(k => $"{k} (removed at {_removed.GetValueOrDefault(k).TotalSeconds:0.0}s)")));
                output.WriteLine("restarts at: " + string.Join(", ", _restarts.Select(r => $"{r.TotalSeconds:0.0}s")));
                foreach (var line in scaler.Logs.Lines.Where(l => strays.Any(k => l.Message.Contains(k.ToString(), StringComparison.Ordinal))))
                {
                    output.WriteLine($"  {line.Level} {line.Id.Id}: {line.Message}");
                }
            }
        }

        // Timers: over 5 intervals, each live replica is scraped about 5 times, the removed ones never.
        var liveReplicas = scaler.Live.Values.Sum();
        var scrapesBefore = scaler.Fleet.Scrapes;
        await Task.Delay(settings.Interval * 5);
        var scrapesPerReplicaInterval = (scaler.Fleet.Scrapes - scrapesBefore) / (double)(liveReplicas * 5);

        await stop.CancelAsync();
        await keda;
        durations.Dispose();
        var heapAfter = Heap();

        var recoveries = _restarts.Select(r => (_sweeps.FirstOrDefault(s => s.Started > r && s.NotOk == 0)?.Ended ?? _clock.Elapsed) - r).ToList();
        var report = new SoakReport(
            _calls, new Dictionary<string, int>(_answers), _wrong.ToArray(), replaced, resized, _restarts.Count,
            recoveries.Count == 0 ? null : recoveries.Max(), allOkAfterChurn, grainsPeak, grains,
            scrapesPerReplicaInterval, heapBefore, heapAfter, warmedUp);
        var note = string.Create(CultureInfo.InvariantCulture, $"{settings.InferenceSets} InferenceSets, {settings.Churn.TotalSeconds:0}s churn: {replaced} replaced, {resized} resized, {_restarts.Count} silo restart(s); {grains}; {scrapesPerReplicaInterval:0.00} scrapes per live replica per interval; heap {heapBefore / 1048576.0:0} → {heapAfter / 1048576.0:0} MB; wrong values {report.Wrong.Count}; {ScrapeDurations()}");
        FaultFigures.Record(new FaultFigure(area, name, replaced + resized + _restarts.Count, _calls, report.Answers, new Dictionary<string, int>(), report.MaxRecovery, note));
        output.WriteLine(note);
        output.WriteLine("answers: " + string.Join(", ", report.Answers.Select(a => $"{a.Key}={a.Value}")));
        output.WriteLine("restart recoveries: " + string.Join(", ", recoveries.Select(r => r.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture))));
        return report;
    }

    /// <summary>
    /// Every scrape's duration (<c>oks.scrape.duration</c>): a stall of the test process shows here first, and a rate
    /// off by a few percent is read against it (a 1 s stall moves a 12 s rate by up to 10%).
    /// </summary>
    private MeterListener ListenToScrapeDurations()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument is { Name: "oks.scrape.duration", Meter.Name: ScalerTelemetry.Name })
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            lock (_durations)
            {
                _durations.Add(seconds);
            }
        });
        listener.Start();
        return listener;
    }

    private string ScrapeDurations()
    {
        lock (_durations)
        {
            if (_durations.Count == 0)
            {
                return "scrape durations: none recorded";
            }

            var sorted = _durations.Order().ToArray();
            return string.Create(
                CultureInfo.InvariantCulture,
                $"scrape durations: {sorted.Length:N0} scrapes, p50 {sorted[sorted.Length / 2] * 1000:0} ms, p99 {sorted[(int)(sorted.Length * 0.99)] * 1000:0} ms, max {sorted[^1] * 1000:0} ms, over 500 ms {sorted.Count(d => d > 0.5)}");
        }
    }

    /// <summary>Every fourth InferenceSet keeps one replica and is asked for its rate.</summary>
    public static bool Steady(int i) => i % 4 == 0;

    private bool LastSweepAllOk(TimeSpan? after = null)
    {
        lock (_sweeps)
        {
            return _sweeps.Count > 0 && _sweeps[^1].NotOk == 0 && _sweeps[^1].Started > (after ?? TimeSpan.Zero);
        }
    }

    private async Task AskAsync(ChurnCluster scaler, CancellationToken stop)
    {
        var rate = ChurnCluster.RateQuery(settings.WindowSeconds);
        var sum = ChurnCluster.SumQuery();
        while (!stop.IsCancellationRequested)
        {
            // KEDA-like: every trigger twice a scrape interval.
            var pace = Task.Delay(settings.Interval / 2, CancellationToken.None);
            var started = _clock.Elapsed;
            var notOk = 0;
            await Parallel.ForEachAsync(scaler.Live.ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (set, _) =>
            {
                var (i, replicas) = set;
                MetricAnswer answer;
                try
                {
                    answer = await HandOverRetry.CallAsync(() => scaler.Grain(i).GetMetric(Steady(i) ? rate : sum));
                }
                catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
                {
                    answer = MetricAnswer.Unavailable($"cluster: {e.GetType().Name}");
                }

                Interlocked.Increment(ref _calls);
                var kind = Judge(i, answer, scaler);
                AnswerKinds.Count(_answers, kind);
                if (kind != "OK" && !(kind.StartsWith("NotFound", StringComparison.Ordinal) && !scaler.Live.ContainsKey(i)))
                {
                    Interlocked.Increment(ref notOk);
                }
            });
            lock (_sweeps)
            {
                _sweeps.Add(new Sweep(started, _clock.Elapsed, notOk));
            }

            await pace;
        }
    }

    /// <summary>OK only for a true value; a compensated sum or a hold is named; anything else is recorded as wrong.</summary>
    private string Judge(int i, MetricAnswer answer, ChurnCluster scaler)
    {
        switch (answer.Outcome)
        {
            case ScalerOutcome.Ok when Steady(i):
                if (Math.Abs(answer.Value - ChurnCluster.TokensPerSecond(i)) <= ChurnCluster.TokensPerSecond(i) * 0.05)
                {
                    return "OK";
                }

                break;
            case ScalerOutcome.Ok:
                // The sum of 1 to 3 replicas (the count may just have changed); a failed replica adds the threshold.
                var compensated = Math.Floor(answer.Value / ChurnCluster.SumThreshold);
                var answered = answer.Value - (compensated * ChurnCluster.SumThreshold);
                var replicas = answered / ChurnCluster.Waiting(i);
                if (replicas == Math.Round(replicas) && replicas + compensated is >= 1 and <= MaxReplicas)
                {
                    return compensated > 0 ? "OK (compensated)" : "OK";
                }

                break;
            default:
                return $"{answer.Outcome}: {AnswerKinds.Of(Grpc.Core.StatusCode.Unavailable, answer.Message ?? "")["Unavailable: ".Length..]}";
        }

        if (_wrong.Count < 50)
        {
            _wrong.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds:0.0}s is-{i:D5} ({(scaler.Live.TryGetValue(i, out var n) ? n : 0)} replicas): {answer.Value}"));
        }

        return "wrong";
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private sealed record Sweep(TimeSpan Started, TimeSpan Ended, int NotOk);
}

/// <summary>What a <see cref="SoakRun"/> saw.</summary>
internal sealed record SoakReport(
    int Calls,
    IReadOnlyDictionary<string, int> Answers,
    IReadOnlyList<string> Wrong,
    int Replaced,
    int Resized,
    int Restarts,
    TimeSpan? MaxRecovery,
    TimeSpan AllOkAfterChurn,
    int GrainsPeak,
    string Grains,
    double ScrapesPerReplicaInterval,
    long HeapBefore,
    long HeapAfter,
    TimeSpan WarmedUp);
