using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansKaitoScaler.Silo.Hosting;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// Issue 5: how large a fleet one silo scrapes on time, what a KEDA call costs meanwhile, how the load splits over
/// three silos, and what an InferenceSet with a 5-minute window weighs.
/// </summary>
internal sealed class FleetScale(FleetOptions options, TextWriter output)
{
    public async Task RunAsync()
    {
        var padding = CapturePadding.From(options.Capture);
        await using var fleet = new PortFleet(padding);
        var folder = Directory.CreateTempSubdirectory("oks-fleet-");
        try
        {
            var probe = (await fleet.AddAsync(1))[0];
            output.WriteLine($"Body: {probe.Served().Length:N0} bytes (simulator + families of {options.Capture}); scrape interval {options.Interval.TotalSeconds:0.###} s; " +
                $"{options.ReplicasPerSet} replica(s) per InferenceSet; {Environment.ProcessorCount} cores");
            var inventoryPath = Path.Combine(folder.FullName, "inventory.yaml");
            if (options.Phases.Contains("capacity"))
            {
                await CapacityAsync(fleet, inventoryPath);
            }

            if (options.Phases.Contains("silos"))
            {
                await SilosAsync(fleet, inventoryPath);
            }

            if (options.Phases.Contains("memory"))
            {
                await MemoryAsync(inventoryPath);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task<FleetInventory> GrowAsync(PortFleet fleet, int sets)
    {
        // Replica 0 is the probe that measured the body; the fleet proper starts after it.
        var needed = (sets * options.ReplicasPerSet) + 1 - fleet.Replicas.Count;
        while (needed > 0)
        {
            var batch = Math.Min(needed, 1000);
            await fleet.AddAsync(batch);
            needed -= batch;
        }

        return new FleetInventory(fleet.Replicas.Skip(1).Take(sets * options.ReplicasPerSet).ToArray(), options.ReplicasPerSet);
    }

    private async Task CapacityAsync(PortFleet fleet, string inventoryPath)
    {
        output.WriteLine();
        output.WriteLine($"## Capacity: one silo process, InferenceSets stepped up (warm-up {options.Warmup.TotalSeconds:0} s, measured {options.Span.TotalSeconds:0} s each; missed deadline = a round more than half an interval late or skipped)");
        output.WriteLine("| InferenceSets | endpoints | scrapes/s | rounds expected | missed | missed % | silo CPU (cores) | silo peak RSS (MB) | GetMetrics not Ok |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        new FleetInventory(Array.Empty<int>(), options.ReplicasPerSet).Write(inventoryPath, 0);
        await using var silo = await SiloProcess.StartAsync(inventoryPath, options.Interval, primarySiloPort: null, options.ScalerArgs);
        using var keda = new KedaCaller([silo.GrpcUrl], KedaCaller.QueueTrigger);
        var budget = Stopwatch.StartNew();
        var sustained = 0;
        List<(string Caller, string Call, LatencySummary Latency, ServerLatency Server)>? latencies = null;
        foreach (var sets in options.Steps)
        {
            if (budget.Elapsed > options.Budget)
            {
                output.WriteLine($"(stopped before {sets}: the {options.Budget.TotalMinutes:0.#}-minute budget is spent)");
                break;
            }

            var inventory = await GrowAsync(fleet, sets);
            inventory.Write(inventoryPath, sets);
            await keda.RegisterAllAsync(sets, TimeSpan.FromMinutes(2));
            var (deadlines, cpu, notOk) = await MeasureAsync([silo], fleet, inventory, keda, sets);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {sets:N0} | {sets * options.ReplicasPerSet:N0} | {deadlines.Scrapes / options.Span.TotalSeconds:N0} | {deadlines.Expected:N0} | {deadlines.Missed:N0} | {deadlines.MissedFraction * 100:0.###} % | {cpu / options.Span.TotalSeconds:0.00} | {silo.PeakRssBytes / 1e6:N0} | {notOk:N0} |"));
            // A smoke run checks no targets: on a busy CI box one late round of its few is already over the limit,
            // and its one step must still go on to the latency measure.
            if (deadlines.MissedFraction < options.MissedLimit)
            {
                sustained = sets;
            }
            else if (!options.Smoke)
            {
                break;
            }

            if (sets == options.Sets)
            {
                latencies = await LatenciesAsync(silo, keda, sets);
            }
        }

        output.WriteLine();
        output.WriteLine($"capacity: {sustained:N0} InferenceSets sustained by one silo at a {options.Interval.TotalSeconds:0.###} s interval with < {options.MissedLimit * 100:0.###} % missed deadlines (the largest step tried that passed)");
        if (latencies is not null)
        {
            output.WriteLine();
            output.WriteLine($"## GetMetrics latency: {options.CallsPerSecond:N0} calls/s open loop over gRPC for {options.LatencySpan.TotalSeconds:0} s, {options.Sets:N0} InferenceSets scraping meanwhile");
            output.WriteLine($"(GetMetricSpec asks no grain: the floor under every call, gRPC over loopback, both HTTP/2 stacks, scheduling on {Environment.ProcessorCount} cores)");
            output.WriteLine("| caller | call | calls | achieved calls/s | p50 (ms) | p99 (ms) | max (ms) | not Ok | in the silo's handler: calls, p50, p99 (ms, bucket bound) | silo GCs, paused (ms) | silo KB allocated per call | caller GCs, paused (ms) |");
            output.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |");
            foreach (var (caller, call, latency, server) in latencies)
            {
                var handler = server.Calls == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{server.Calls:N0}, ≤ {server.P50UpToMs:0.##}, ≤ {server.P99UpToMs:0.##}");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {caller} | {call} | {latency.Calls:N0} | {latency.CallsPerSecond:N0} | {latency.P50Ms:0.00} | {latency.P99Ms:0.00} | {latency.MaxMs:0.0} | {latency.Failures} | {handler} | {server.Collections:N0}, {server.PauseMs:N0} | {server.AllocatedKbPerCall:0.0} | {latency.CallerCollections:N0}, {latency.CallerPauseMs:N0} |"));
            }
        }
    }

    /// <summary>
    /// GetMetrics and its floor, GetMetricSpec, paced first from a process of their own (as KEDA's operator calls), then
    /// from this driver, whose process also serves every replica's body; each with the silo's view of the same span.
    /// </summary>
    private async Task<List<(string Caller, string Call, LatencySummary Latency, ServerLatency Server)>> LatenciesAsync(SiloProcess silo, KedaCaller keda, int sets)
    {
        var measured = new List<(string, string, LatencySummary, ServerLatency)>();
        var warmup = options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        foreach (var call in new[] { CallerProcess.Call.GetMetrics, CallerProcess.Call.GetMetricSpec })
        {
            await using var caller = await CallerProcess.StartAsync(silo.GrpcUrl, call, sets, options.CallsPerSecond, warmup, options.LatencySpan);
            var (latency, server) = await AlongsideAsync(silo, call, caller.MeasureAsync);
            measured.Add(("own process", call.ToString(), latency, server));
        }

        foreach (var call in new[] { CallerProcess.Call.GetMetrics, CallerProcess.Call.GetMetricSpec })
        {
            var (latency, server) = await AlongsideAsync(silo, call, () => call == CallerProcess.Call.GetMetrics
                ? keda.PaceAsync(sets, options.CallsPerSecond, options.LatencySpan)
                : keda.PaceMetricSpecAsync(sets, options.CallsPerSecond, options.LatencySpan));
            measured.Add(("the driver, beside the replicas", call.ToString(), latency, server));
        }

        return measured;
    }

    /// <summary>A paced run and, over the same span, the silo's handler histogram for that call and its garbage collections.</summary>
    private static async Task<(LatencySummary, ServerLatency)> AlongsideAsync(SiloProcess silo, CallerProcess.Call call, Func<Task<LatencySummary>> pace)
    {
        var histogram = await silo.KedaCallHistogramAsync(call.ToString());
        var gc = await silo.GcAsync();
        var latency = await pace();
        var gcAfter = await silo.GcAsync();
        return (latency, ServerLatency.Between(histogram, await silo.KedaCallHistogramAsync(call.ToString())).WithGc(gc, gcAfter, latency.Calls));
    }

    /// <summary>Warm-up with KEDA polling, then the measured span: deadlines at the replicas, CPU of the silos.</summary>
    private async Task<(ScrapeDeadlines Deadlines, double CpuSeconds, long NotOk)> MeasureAsync(
        IReadOnlyList<SiloProcess> silos, PortFleet fleet, FleetInventory inventory, KedaCaller keda, int sets)
    {
        using var stop = new CancellationTokenSource(options.Warmup + options.Span);
        var polling = keda.PollAsync(sets, options.KedaPolling, stop.Token);
        await Task.Delay(options.Warmup);
        var replicas = Enumerable.Range(0, sets).SelectMany(set => inventory.ReplicasOf(set, fleet)).ToArray();
        ScrapeDeadlines.Start(replicas, options.Interval);
        var cpu = silos.Sum(s => s.CpuSeconds);
        await Task.Delay(options.Span);
        var deadlines = ScrapeDeadlines.End(replicas, options.Interval, options.Span);
        cpu = silos.Sum(s => s.CpuSeconds) - cpu;
        var (_, notOk) = await polling;
        return (deadlines, cpu, notOk);
    }

    private async Task SilosAsync(PortFleet fleet, string inventoryPath)
    {
        output.WriteLine();
        output.WriteLine($"## Silos: {options.Sets:N0} InferenceSets, the same run with 1 and with 3 silo processes on 127.0.0.1 (KEDA calls round-robin over their gateways)");
        output.WriteLine("| silos | scrapes per silo (warm-up + span) | missed % | CPU (cores, all silos) | peak RSS (MB, per silo) |");
        output.WriteLine("| ---: | --- | ---: | ---: | --- |");
        var inventory = await GrowAsync(fleet, options.Sets);
        inventory.Write(inventoryPath, options.Sets);
        foreach (var count in options.SiloCounts)
        {
            var silos = new List<SiloProcess>();
            try
            {
                await SiloProcess.StartClusterAsync(silos, count, inventoryPath, options.Interval, options.ScalerArgs);
                using var keda = new KedaCaller(silos.Select(s => s.GrpcUrl), KedaCaller.QueueTrigger);
                await keda.RegisterAllAsync(options.Sets, TimeSpan.FromMinutes(2));
                var before = await Task.WhenAll(silos.Select(s => s.ScrapesAsync()));
                var (deadlines, cpu, _) = await MeasureAsync(silos, fleet, inventory, keda, options.Sets);
                var after = await Task.WhenAll(silos.Select(s => s.ScrapesAsync()));
                var perSilo = string.Join(" / ", after.Zip(before, (a, b) => (a - b).ToString("N0", CultureInfo.InvariantCulture)));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {count} | {perSilo} | {deadlines.MissedFraction * 100:0.###} % | {cpu / options.Span.TotalSeconds:0.00} | {string.Join(" / ", silos.Select(s => (s.PeakRssBytes / 1e6).ToString("N0", CultureInfo.InvariantCulture)))} |"));
            }
            finally
            {
                foreach (var silo in silos)
                {
                    await silo.DisposeAsync();
                }
            }
        }
    }

    /// <summary>
    /// The scaler in this process, so its managed heap can be read after a full GC; the replicas in a child process, so
    /// their bodies and connections are not on that heap. The baseline is a small fleet already warm (every lazily made
    /// part, from instruments to caches, exists by then, and counts as fixed); then N InferenceSets more, each asked for
    /// the queue (sum) and time-to-first-token over a <c>metricCacheWindow</c> window (windowed-avg), polled until the
    /// window is full. The difference, per InferenceSet added, is what one costs: its grain, its window and, the one silo
    /// having no other, the window's copy beside it.
    /// </summary>
    private async Task MemoryAsync(string inventoryPath)
    {
        var probe = options.Smoke ? 2 : 10;
        var sets = options.Sets + probe;
        await using var replicas = await ReplicaProcess.StartAsync(sets * options.ReplicasPerSet, options.Capture);
        var inventory = new FleetInventory(replicas.Ports, options.ReplicasPerSet);
        inventory.Write(inventoryPath, probe);
        // With --memory-silos above 1, more silos in this process join the first: the heap then holds each window and,
        // on another silo, its copy.
        var primarySiloPort = Port();
        var apps = new List<WebApplication>();
        for (var silo = 0; silo < options.MemorySilos; silo++)
        {
            var app = ScalerApp.Build(
                [
                    "--inventory", inventoryPath, "--listen", "127.0.0.1",
                    "--grpc-port", Port(), "--metrics-port", Port(), "--health-port", Port(), "--silo-port", silo == 0 ? primarySiloPort : Port(), "--gateway-port", Port(),
                    "--scrape-interval", options.Interval.ToString("c", CultureInfo.InvariantCulture),
                    "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Orleans", "Error",
                    .. silo == 0 ? Array.Empty<string>() : ["--primary-silo-port", primarySiloPort],
                    .. options.ScalerArgs,
                ]);
            await app.StartAsync();
            apps.Add(app);
        }

        try
        {
            var app = apps[0];
            var grpc = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
            using var queue = new KedaCaller([grpc], KedaCaller.QueueTrigger);
            using var ttft = new KedaCaller([grpc], new Dictionary<string, string>
            {
                ["metricName"] = "vllm:time_to_first_token_seconds",
                ["aggregation"] = "windowed-avg",
                ["metricCacheWindow"] = options.WindowSeconds.ToString(CultureInfo.InvariantCulture),
                ["threshold"] = "0.5",
            });

            // The managed heap without the callers' own requests, which are on it too.
            long ScalerHeap()
            {
                queue.ForgetRequests();
                ttft.ForgetRequests();
                return ManagedHeap();
            }

            // The small fleet: registered, scraped and copied for a few rounds, its KEDA calls answered.
            await queue.RegisterAllAsync(probe, TimeSpan.FromMinutes(1));
            await Parallel.ForAsync(0, probe, async (i, token) => await ttft.GetMetricsAsync(i, token));
            using (var warming = new CancellationTokenSource(3 * options.Interval))
            {
                await Task.WhenAll(queue.PollAsync(probe, options.Interval, warming.Token), ttft.PollAsync(probe, options.Interval, warming.Token));
            }

            var baseline = ScalerHeap();
            inventory.Write(inventoryPath, sets);
            await queue.RegisterAllAsync(sets, TimeSpan.FromMinutes(2));
            await Parallel.ForAsync(0, sets, async (i, token) => await ttft.GetMetricsAsync(i, token));

            // Fill the window: its length, plus two intervals so the retention's slack round is there too.
            var fill = TimeSpan.FromSeconds(options.WindowSeconds) + (2 * options.Interval);
            using var stop = new CancellationTokenSource(fill);
            var polls = await Task.WhenAll(queue.PollAsync(sets, options.KedaPolling, stop.Token), ttft.PollAsync(sets, options.KedaPolling, stop.Token));
            var windowOk = await ttft.GetMetricsAsync(sets - 1) is not null;
            var full = ScalerHeap();
            if (options.DumpPath is { } dump)
            {
                new DiagnosticsClient(Environment.ProcessId).WriteDump(DumpType.Full, Path.GetFullPath(dump));
                output.WriteLine($"(full dump of the warm fleet written to {dump}; bench/HeapCensus reads it)");
            }
            var grains = await app.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
            int Activations(string type) => grains.Where(g => g.GrainType.Contains(type, StringComparison.OrdinalIgnoreCase)).Sum(g => g.ActivationCount);
            output.WriteLine();
            output.WriteLine($"## Memory: {options.MemorySilos} silo(s) in this process, {options.Sets:N0} InferenceSets × {options.ReplicasPerSet} replica(s) added to {probe} warm ones, triggers sum(vllm:num_requests_waiting) and windowed-avg(vllm:time_to_first_token_seconds) with metricCacheWindow {options.WindowSeconds} s, interval {options.Interval.TotalSeconds:0.###} s, after {fill.TotalSeconds:0} s; replicas in a child process");
            output.WriteLine("| managed heap, small fleet warm (MB) | with the fleet warm (MB) | per InferenceSet added (KB) | InferenceSet grains | window copies | windowed trigger answering | KEDA calls not Ok while filling |");
            output.WriteLine("| ---: | ---: | ---: | ---: | ---: | --- | ---: |");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {baseline / 1e6:0.0} | {full / 1e6:0.0} | {(full - baseline) / 1024.0 / options.Sets:0.0} | {Activations("inferenceset"):N0} | {Activations("windowcheckpoint"):N0} | {(windowOk ? "yes" : "no (warming up)")} | {polls.Sum(p => p.NotOk):N0} |"));
        }
        finally
        {
            foreach (var app in Enumerable.Reverse(apps))
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>Managed heap after two full, compacting collections (the second picks up what finalizers released).</summary>
    private static long ManagedHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Port() => FreePorts.Next().ToString(CultureInfo.InvariantCulture);
}
