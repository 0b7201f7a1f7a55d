using System.Globalization;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// One scaler silo as a child process (<c>dotnet OrleansKaitoScaler.Silo.dll</c>) in standalone mode, so its CPU time and
/// peak RSS are its own. Several of them on 127.0.0.1 form one Orleans cluster through <c>--primary-silo-port</c>.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly ScalerProcess _scaler;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private SiloProcess(ScalerProcess scaler) => _scaler = scaler;

    public Uri GrpcUrl => _scaler.GrpcUrl;

    public Uri MetricsUrl => _scaler.MetricsUrl;

    public int SiloPort => _scaler.Ports.Silo;

    public int ProcessId => _scaler.ProcessId;

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
        var scaler = ScalerProcess.Start(
            new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            [
                "--inventory", inventory,
                "--scrape-interval", scrapeInterval.ToString("c", CultureInfo.InvariantCulture),
                "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Orleans", "Error", "--Logging:LogLevel:OrleansKaitoScaler", "Warning",
                .. primarySiloPort is { } primary ? ["--primary-silo-port", primary.ToString(CultureInfo.InvariantCulture)] : (string[])[],
                .. extra ?? [],
            ]);
        try
        {
            await scaler.WaitReadyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await scaler.DisposeAsync();
            throw;
        }

        return new SiloProcess(scaler);
    }

    /// <summary>CPU seconds (user + system) the process has used so far, from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    public double CpuSeconds => ProcStat.CpuSeconds(ProcessId);

    /// <summary>Peak resident set (<c>VmHWM</c>), bytes.</summary>
    public long PeakRssBytes => ProcStat.PeakRssBytes(ProcessId);

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
        await _scaler.DisposeAsync();
    }
}
