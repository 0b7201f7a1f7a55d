using System.Diagnostics;
using System.Globalization;
using System.Net;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// One scaler silo as a child process (<c>dotnet OrleansKaitoScaler.Silo.dll</c>) in standalone mode, so its CPU time and
/// peak RSS are its own. Several of them on 127.0.0.1 form one Orleans cluster through <c>--primary-silo-port</c>.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private SiloProcess(Process process, int grpcPort, int metricsPort, int siloPort)
    {
        _process = process;
        GrpcUrl = new Uri($"http://127.0.0.1:{grpcPort}");
        MetricsUrl = new Uri($"http://127.0.0.1:{metricsPort}/");
        SiloPort = siloPort;
    }

    public Uri GrpcUrl { get; }

    public Uri MetricsUrl { get; }

    public int SiloPort { get; }

    public int ProcessId => _process.Id;

    /// <summary>The silo assembly built beside this driver (the project reference copies it into our output folder).</summary>
    public static string SiloAssembly => Path.Combine(AppContext.BaseDirectory, "OrleansKaitoScaler.Silo.dll");

    /// <summary>
    /// Starts <paramref name="count"/> silos into <paramref name="silos"/>: the first, then the rest at once joining it
    /// through its silo port (localhost clustering). The caller disposes what was added, also after a failure.
    /// </summary>
    public static async Task StartClusterAsync(List<SiloProcess> silos, int count, string inventory, TimeSpan scrapeInterval, IEnumerable<string>? extra)
    {
        silos.Add(await StartAsync(inventory, scrapeInterval, primarySiloPort: null, extra));
        silos.AddRange(await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => StartAsync(inventory, scrapeInterval, silos[0].SiloPort, extra))));
    }

    /// <summary>Starts a silo reading <paramref name="inventory"/>, joining the silo on <paramref name="primarySiloPort"/> when given.</summary>
    public static async Task<SiloProcess> StartAsync(string inventory, TimeSpan scrapeInterval, int? primarySiloPort, IEnumerable<string>? extra = null)
    {
        var (grpc, metrics, health, silo, gateway) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(SiloAssembly);
        foreach (var argument in new[]
        {
            "--inventory", inventory, "--listen", "127.0.0.1",
            "--grpc-port", Text(grpc), "--metrics-port", Text(metrics), "--health-port", Text(health),
            "--silo-port", Text(silo), "--gateway-port", Text(gateway),
            "--scrape-interval", scrapeInterval.ToString("c", CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Orleans", "Error", "--Logging:LogLevel:OrleansKaitoScaler", "Warning",
        }.Concat(primarySiloPort is { } primary ? ["--primary-silo-port", Text(primary)] : []).Concat(extra ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo process");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new SiloProcess(process, grpc, metrics, silo);
        await result.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return result;
    }

    /// <summary>CPU seconds (user + system) the process has used so far, from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    public double CpuSeconds => ProcStat.CpuSeconds(_process.Id);

    /// <summary>Peak resident set (<c>VmHWM</c>), bytes.</summary>
    public long PeakRssBytes => ProcStat.PeakRssBytes(_process.Id);

    /// <summary>Endpoint scrapes this silo made, from its own <c>/metrics</c> (<c>oks_scrapes_total</c>, all outcomes).</summary>
    public async Task<long> ScrapesAsync()
    {
        var text = await _http.GetStringAsync(new Uri(MetricsUrl, "metrics"));
        double total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("oks_scrapes_total", StringComparison.Ordinal))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return (long)total;
    }

    /// <summary>
    /// The silo's own histogram of unary KEDA calls of <paramref name="method"/> (<c>oks_keda_call_duration_seconds</c>),
    /// over every status: cumulative counts by upper bound, ascending.
    /// </summary>
    public async Task<SortedDictionary<double, double>> KedaCallHistogramAsync(string method)
    {
        var text = await _http.GetStringAsync(new Uri(MetricsUrl, "metrics"));
        var buckets = new SortedDictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("oks_keda_call_duration_seconds_bucket{", StringComparison.Ordinal) || !line.Contains($"method=\"{method}\"", StringComparison.Ordinal))
            {
                continue;
            }

            var le = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
            var bound = line[le..line.IndexOf('"', le)];
            var key = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, NumberStyles.Float, CultureInfo.InvariantCulture);
            buckets[key] = buckets.GetValueOrDefault(key) + double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return buckets;
    }

    /// <summary>The silo's garbage collections, their total pause and the bytes it has allocated, from its runtime metrics.</summary>
    public async Task<GcReading> GcAsync()
    {
        var text = await _http.GetStringAsync(new Uri(MetricsUrl, "metrics"));
        double collections = 0, pause = 0, allocated = 0;
        foreach (var line in text.Split('\n'))
        {
            var value = line.Length == 0 || line[0] == '#' ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (line.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal))
            {
                collections += value;
            }
            else if (line.StartsWith("dotnet_gc_pause_time_seconds_total", StringComparison.Ordinal))
            {
                pause += value;
            }
            else if (line.StartsWith("dotnet_gc_heap_total_allocated_bytes_total", StringComparison.Ordinal))
            {
                allocated += value;
            }
        }

        return new GcReading(collections, pause, allocated);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Gone already, or SIGKILL sent.
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with code {_process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri(MetricsUrl, "readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > within)
            {
                throw new TimeoutException($"the silo was not ready at {MetricsUrl}readyz within {within}");
            }

            await Task.Delay(200);
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
