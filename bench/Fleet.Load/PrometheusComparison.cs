using System.Diagnostics;
using System.Globalization;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// Issue 9: the same simulated endpoints scraped at the same interval by Prometheus and by our silo(s), one after the
/// other so each owns the CPU while measured; then both at once for time-to-signal of a queue step.
/// </summary>
internal sealed class PrometheusComparison(FleetOptions options, TextWriter output)
{
    private readonly Random _random = new(9);

    public async Task RunAsync()
    {
        var padding = CapturePadding.From(options.Capture);
        await using var fleet = new PortFleet(padding);
        var replicas = new List<PortFleet.Replica>();
        for (var left = options.Sets * options.ReplicasPerSet; left > 0; left -= 1000)
        {
            replicas.AddRange(await fleet.AddAsync(Math.Min(left, 1000)));
        }

        var inventory = new FleetInventory(replicas, options.ReplicasPerSet);
        var folder = Directory.CreateTempSubdirectory("oks-vs-prometheus-");
        var inventoryPath = Path.Combine(folder.FullName, "inventory.yaml");
        inventory.Write(inventoryPath, options.Sets);
        output.WriteLine($"{options.Sets:N0} InferenceSets × {options.ReplicasPerSet} replicas = {replicas.Count:N0} endpoints, body {replicas[0].Served().Length:N0} bytes, " +
            $"interval {options.Interval.TotalSeconds:0.###} s, measured span {options.Span.TotalSeconds:0} s after {options.Warmup.TotalSeconds:0} s warm-up; queues change on 5 % of the endpoints every second");

        using var changing = new CancellationTokenSource();
        var changer = ChangeQueuesAsync(replicas, changing.Token);
        try
        {
            var prometheus = await MeasurePrometheusAsync(fleet, replicas);
            var ours = new List<(int Silos, Measured Measured, LatencySummary? Latency)>();
            foreach (var count in options.SiloCounts)
            {
                ours.Add(await MeasureOursAsync(fleet, inventory, inventoryPath, count));
            }

            await changing.CancelAsync();
            await changer;
            var signal = await TimeToSignalAsync(inventory, inventoryPath, replicas);
            Print(prometheus, ours, signal, replicas.Count);
        }
        finally
        {
            await changing.CancelAsync();
            await changer;
            folder.Delete(recursive: true);
        }
    }

    private sealed record Measured(double CpuSeconds, long Scrapes, long PeakRssBytes, ScrapeDeadlines Deadlines)
    {
        public double CpuPerThousandScrapes => Scrapes == 0 ? double.NaN : CpuSeconds / Scrapes * 1000;
    }

    private async Task<Measured> MeasurePrometheusAsync(PortFleet fleet, IReadOnlyList<PortFleet.Replica> replicas)
    {
        await using var prometheus = await PrometheusServer.StartAsync(replicas.Select(r => r.Url), options.Interval);
        var pid = ProcStat.FindByCommandLine(prometheus.ConfigPath) ?? throw new InvalidOperationException("cannot find the Prometheus process");

        // Prometheus hands new targets to its scrape loops on a 5 s tick; its first scrape of each is spread over an interval.
        await Task.Delay(TimeSpan.FromSeconds(5) + options.Interval + options.Warmup);
        return await SpanAsync(fleet, replicas, () => ProcStat.CpuSeconds(pid), () => ProcStat.PeakRssBytes(pid));
    }

    private async Task<(int, Measured, LatencySummary?)> MeasureOursAsync(PortFleet fleet, FleetInventory inventory, string inventoryPath, int count)
    {
        var silos = new List<SiloProcess>();
        try
        {
            await SiloProcess.StartClusterAsync(silos, count, inventoryPath, options.Interval, options.ScalerArgs);
            using var keda = new KedaCaller(silos.Select(s => s.GrpcUrl), KedaCaller.QueueTrigger);
            await keda.RegisterAllAsync(options.Sets, TimeSpan.FromMinutes(2));
            using var stop = new CancellationTokenSource();
            var polling = keda.PollAsync(options.Sets, options.KedaPolling, stop.Token);
            await Task.Delay(options.Warmup);
            var measured = await SpanAsync(fleet, fleet.Replicas, () => silos.Sum(s => s.CpuSeconds), () => silos.Sum(s => s.PeakRssBytes));
            await stop.CancelAsync();
            await polling;
            if (count != 1)
            {
                return (count, measured, null);
            }

            // KEDA's calls from a process of their own, as the operator calls; this driver serves the replicas' bodies.
            await using var caller = await CallerProcess.StartAsync(silos[0].GrpcUrl, CallerProcess.Call.GetMetrics, options.Sets, options.CallsPerSecond,
                options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5), options.LatencySpan);
            return (count, measured, await caller.MeasureAsync());
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private async Task<Measured> SpanAsync(PortFleet fleet, IReadOnlyList<PortFleet.Replica> replicas, Func<double> cpu, Func<long> peakRss)
    {
        ScrapeDeadlines.Start(replicas, options.Interval);
        var (cpu0, scrapes0) = (cpu(), fleet.Scrapes);
        await Task.Delay(options.Span);
        var deadlines = ScrapeDeadlines.End([.. replicas], options.Interval, options.Span);
        return new Measured(cpu() - cpu0, fleet.Scrapes - scrapes0, peakRss(), deadlines);
    }

    /// <summary>Queues that move: every second, 5 % of the endpoints get a new queue length.</summary>
    private static async Task ChangeQueuesAsync(List<PortFleet.Replica> replicas, CancellationToken cancellationToken)
    {
        var random = new Random(5);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                for (var i = 0; i < Math.Max(1, replicas.Count / 20); i++)
                {
                    replicas[random.Next(replicas.Count)].SetWaiting(random.Next(0, 30));
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private sealed record Signal(IReadOnlyList<double> OursMs, IReadOnlyList<double> PrometheusMs, int OursMissed, int PrometheusMissed);

    /// <summary>
    /// Prometheus and one silo scrape together; a step of one endpoint's queue, at a random phase, until each shows the
    /// InferenceSet's new total: ours through GetMetrics, Prometheus through an instant query of the sum over its instances.
    /// Both are polled every 10 ms, so that is the resolution.
    /// </summary>
    private async Task<Signal> TimeToSignalAsync(FleetInventory inventory, string inventoryPath, IReadOnlyList<PortFleet.Replica> replicas)
    {
        await using var prometheus = await PrometheusServer.StartAsync(replicas.Select(r => r.Url), options.Interval);
        await using var silo = await SiloProcess.StartAsync(inventoryPath, options.Interval, primarySiloPort: null, options.ScalerArgs);
        using var keda = new KedaCaller([silo.GrpcUrl], KedaCaller.QueueTrigger);
        await keda.RegisterAllAsync(options.Sets, TimeSpan.FromMinutes(2));
        await prometheus.WaitForSamplesAsync("vllm:num_requests_waiting", 2, TimeSpan.FromSeconds(30) + (3 * options.Interval));
        var byPort = replicas.ToDictionary(r => r.Port);
        var ours = new List<double>();
        var theirs = new List<double>();
        int oursMissed = 0, theirsMissed = 0;
        for (var step = 0; step < options.SignalSteps; step++)
        {
            var set = _random.Next(inventory.Sets);
            var members = inventory.PortsOf(set).Select(p => byPort[p]).ToArray();
            var replica = members[_random.Next(members.Length)];
            replica.SetWaiting(replica.Metrics.Waiting + 1 + _random.Next(50));
            var expected = members.Sum(r => r.Metrics.Waiting);
            var instances = string.Join('|', members.Select(r => $"127.0.0.1:{r.Port}"));
            var query = $"sum(vllm:num_requests_waiting{{instance=~\"{instances}\"}})";
            var started = Stopwatch.StartNew();
            var limit = (3 * options.Interval) + TimeSpan.FromSeconds(2);
            var results = await Task.WhenAll(
                WaitForAsync(async () => await keda.GetMetricsAsync(set), expected, started, limit),
                WaitForAsync(async () => await prometheus.QueryAsync(query), expected, started, limit));
            Record(results[0], ours, ref oursMissed);
            Record(results[1], theirs, ref theirsMissed);

            // The next step at a random phase of the scrape schedule.
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next((int)options.Interval.TotalMilliseconds)));
        }

        return new Signal(ours, theirs, oursMissed, theirsMissed);

        static void Record(double? ms, List<double> into, ref int missed)
        {
            if (ms is { } value)
            {
                into.Add(value);
            }
            else
            {
                missed++;
            }
        }
    }

    private static async Task<double?> WaitForAsync(Func<Task<double?>> read, double expected, Stopwatch started, TimeSpan limit)
    {
        while (started.Elapsed < limit)
        {
            if (await read() is { } value && Math.Abs(value - expected) < 1e-6)
            {
                return started.Elapsed.TotalMilliseconds;
            }

            await Task.Delay(10);
        }

        return null;
    }

    private void Print(Measured prometheus, List<(int Silos, Measured Measured, LatencySummary? Latency)> ours, Signal signal, int targets)
    {
        var one = ours[0];
        var latency = one.Latency!;
        var oursSignal = signal.OursMs.Order().ToArray();
        var theirSignal = signal.PrometheusMs.Order().ToArray();
        output.WriteLine();
        output.WriteLine("## Side by side with Prometheus");
        output.WriteLine("| measure | " + string.Join(" | ", ours.Select(o => $"ours, {o.Silos} silo{(o.Silos == 1 ? "" : "s")}")) + " | Prometheus | " +
            string.Join(" | ", ours.Select(o => $"ratio {o.Silos}/Prometheus")) + " |");
        output.WriteLine("| --- | " + string.Join(" | ", ours.Select(_ => "---:")) + " | ---: | " + string.Join(" | ", ours.Select(_ => "---:")) + " |");
        Row("CPU per 1,000 scrapes (CPU s)", ours.Select(o => o.Measured.CpuPerThousandScrapes), prometheus.CpuPerThousandScrapes, "0.000");
        Row("peak RSS per 1,000 targets (MB)", ours.Select(o => o.Measured.PeakRssBytes / 1e6 / targets * 1000), prometheus.PeakRssBytes / 1e6 / targets * 1000, "0.0");
        Row("scrapes in the span", ours.Select(o => (double)o.Measured.Scrapes), prometheus.Scrapes, "N0");
        Row("missed deadlines (%)", ours.Select(o => o.Measured.Deadlines.MissedFraction * 100), prometheus.Deadlines.MissedFraction * 100, "0.###");
        Row("time-to-signal median (ms)", ours.Select((o, i) => i == 0 ? LatencySummary.Percentile(oursSignal, 0.5) : double.NaN), LatencySummary.Percentile(theirSignal, 0.5), "0");
        Row("time-to-signal p95 (ms)", ours.Select((o, i) => i == 0 ? LatencySummary.Percentile(oursSignal, 0.95) : double.NaN), LatencySummary.Percentile(theirSignal, 0.95), "0");
        Row($"GetMetrics p50 at {latency.CallsPerSecond:N0} calls/s (ms)", ours.Select(o => o.Latency?.P50Ms ?? double.NaN), double.NaN, "0.00");
        Row($"GetMetrics p99 at {latency.CallsPerSecond:N0} calls/s (ms)", ours.Select(o => o.Latency?.P99Ms ?? double.NaN), double.NaN, "0.00");
        output.WriteLine();
        output.WriteLine($"time-to-signal: {signal.OursMs.Count + signal.OursMissed} steps; not seen within 3 intervals + 2 s: ours {signal.OursMissed}, Prometheus {signal.PrometheusMissed}. " +
            $"GetMetrics calls not Ok in the latency run: {latency.Failures}.");

        void Row(string name, IEnumerable<double> oursValues, double theirs, string format)
        {
            var values = oursValues.ToArray();
            output.WriteLine($"| {name} | {string.Join(" | ", values.Select(v => Format(v, format)))} | {Format(theirs, format)} | " +
                string.Join(" | ", values.Select(v => double.IsNaN(v) || double.IsNaN(theirs) || theirs == 0 ? "—" : (v / theirs).ToString("0.00", CultureInfo.InvariantCulture))) + " |");
        }

        static string Format(double value, string format) => double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture);
    }
}
