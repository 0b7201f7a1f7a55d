using System.Globalization;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>The driver's command line. Defaults are the measured runs of bench/README.md; <c>--smoke</c> shrinks everything to seconds.</summary>
internal sealed record FleetOptions
{
    /// <summary><c>fleet</c> (issue 5) or <c>prometheus</c> (issue 9).</summary>
    public string Mode { get; init; } = "fleet";

    public bool Smoke { get; init; }

    /// <summary>Fleet mode: which parts to run (capacity, silos, memory).</summary>
    public IReadOnlySet<string> Phases { get; init; } = new HashSet<string>(["capacity", "silos", "memory"], StringComparer.Ordinal);

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Capacity: the InferenceSet counts to try, in order; stepping stops at the first that misses too many deadlines.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [250, 500, 1000, 2000, 4000];

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The measured span of each step or run.</summary>
    public TimeSpan Span { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Capacity stops stepping once this much time has gone.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(8);

    /// <summary>Missed deadlines a step may have and still count as sustained (fraction of rounds).</summary>
    public double MissedLimit { get; init; } = 0.001;

    /// <summary>GetMetrics load of the latency figure, and how long.</summary>
    public int CallsPerSecond { get; init; } = 1000;

    public TimeSpan LatencySpan { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The step of the capacity run at which GetMetrics latency is measured; also the fleet of the silos and memory runs.</summary>
    public int Sets { get; init; } = 1000;

    public int ReplicasPerSet { get; init; } = 1;

    /// <summary>Memory: the window triggers ask for (metricCacheWindow), seconds.</summary>
    public int WindowSeconds { get; init; } = 300;

    /// <summary>Silo processes to compare (the first count is a single silo).</summary>
    public IReadOnlyList<int> SiloCounts { get; init; } = [1, 3];

    /// <summary>Prometheus mode: time-to-signal steps.</summary>
    public int SignalSteps { get; init; } = 20;

    /// <summary>The capture whose families pad every body (file name under fixtures/vllm-metrics).</summary>
    public string Capture { get; init; } = "hardware-aware-router_qwen1.5-0.5b_v1-engine.txt";

    /// <summary>How often KEDA asks each InferenceSet while the fleet runs (HPA's sync period).</summary>
    public TimeSpan KedaPolling { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Memory: silos in the measuring process (with two or more, every window has its copy on another silo).</summary>
    public int MemorySilos { get; init; } = 1;

    /// <summary>Memory: where to write a full dump of this process once the fleet is warm (read it with bench/HeapCensus).</summary>
    public string? DumpPath { get; init; }

    /// <summary>More scaler command-line arguments for every silo, e.g. <c>--Scrape:CheckpointWindows false</c>.</summary>
    public IReadOnlyList<string> ScalerArgs { get; init; } = [];

    public const string Usage = """
        Usage: Fleet.Load [--mode fleet|prometheus] [--smoke] [options]
          --mode fleet        issue 5: capacity steps, GetMetrics latency, 1 vs 3 silos, memory per InferenceSet
          --mode prometheus   issue 9: the same endpoints scraped by Prometheus and by our silo(s), side by side
          --smoke             tiny fleet, a few seconds, no targets checked (CI)
          --phases capacity,silos,memory   (fleet mode)
          --interval 00:00:05 --steps 250,500,1000,2000,4000 --warmup 00:00:10 --span 00:00:40 --budget 00:08:00
          --calls-per-second 1000 --latency-span 00:00:20 --sets 1000 --replicas 1 --window 300 --silos 1,3
          --signal-steps 20 --capture <file in fixtures/vllm-metrics> --keda-polling 00:00:15 --missed-limit 0.001
          --scaler-args "--Scrape:CheckpointWindows false"   more arguments for every silo
          --dump <file>       memory phase: a full dump of this process once warm, for bench/HeapCensus
          --memory-silos 1    memory phase: silos in the measuring process (2: windows and their copies)
        """;

    /// <summary>The smallest run that still goes through every part: a CI smoke test.</summary>
    public static FleetOptions SmokeDefaults(string mode) => new()
    {
        Mode = mode,
        Smoke = true,
        Interval = TimeSpan.FromSeconds(1),
        Steps = [20],
        Warmup = TimeSpan.FromSeconds(1),
        Span = TimeSpan.FromSeconds(3),
        Budget = TimeSpan.FromSeconds(20),
        CallsPerSecond = 100,
        LatencySpan = TimeSpan.FromSeconds(1),
        Sets = 20,
        ReplicasPerSet = 2,
        WindowSeconds = 3,
        // Smoke: the capacity step is the one-silo run; three silos show the split. Each silo start costs seconds.
        SiloCounts = mode == "fleet" ? [3] : [1],
        SignalSteps = 3,
        KedaPolling = TimeSpan.FromSeconds(1),
    };

    public static FleetOptions Parse(string[] args)
    {
        var mode = Value(args, "--mode") ?? "fleet";
        if (mode is not ("fleet" or "prometheus"))
        {
            throw new ArgumentException($"--mode must be fleet or prometheus, not {mode}");
        }

        var o = args.Contains("--smoke") ? SmokeDefaults(mode) : new FleetOptions { Mode = mode };
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--smoke" or "--mode")
            {
                i += args[i] == "--mode" ? 1 : 0;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            }

            var v = args[++i];
            o = args[i - 1] switch
            {
                "--phases" => o with { Phases = v.Split(',').ToHashSet(StringComparer.Ordinal) },
                "--interval" => o with { Interval = Time(v) },
                "--steps" => o with { Steps = Ints(v) },
                "--warmup" => o with { Warmup = Time(v) },
                "--span" => o with { Span = Time(v) },
                "--budget" => o with { Budget = Time(v) },
                "--calls-per-second" => o with { CallsPerSecond = Int(v) },
                "--latency-span" => o with { LatencySpan = Time(v) },
                "--sets" => o with { Sets = Int(v) },
                "--replicas" => o with { ReplicasPerSet = Int(v) },
                "--window" => o with { WindowSeconds = Int(v) },
                "--silos" => o with { SiloCounts = Ints(v) },
                "--signal-steps" => o with { SignalSteps = Int(v) },
                "--capture" => o with { Capture = v },
                "--keda-polling" => o with { KedaPolling = Time(v) },
                "--scaler-args" => o with { ScalerArgs = v.Split(' ', StringSplitOptions.RemoveEmptyEntries) },
                "--missed-limit" => o with { MissedLimit = double.Parse(v, CultureInfo.InvariantCulture) },
                "--dump" => o with { DumpPath = v },
                "--memory-silos" => o with { MemorySilos = Int(v) },
                _ => throw new ArgumentException($"unknown option {args[i - 1]}\n{Usage}"),
            };
        }

        return o;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string v) => int.Parse(v, CultureInfo.InvariantCulture);

    private static int[] Ints(string v) => [.. v.Split(',').Select(Int)];

    private static TimeSpan Time(string v) => TimeSpan.Parse(v, CultureInfo.InvariantCulture);
}
