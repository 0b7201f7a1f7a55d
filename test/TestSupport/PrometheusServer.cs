using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// A real Prometheus server (Debian's <c>/usr/bin/prometheus</c>; <c>./test.sh</c> installs it) on 127.0.0.1 with a
/// throw-away config and TSDB in a temp folder, scraping loopback targets as job <c>vllm</c>. Only static targets,
/// no rules, alerting, remote write or service discovery: it connects to nothing but the given targets.
/// </summary>
/// <remarks>
/// Prometheus 2.42 hands new targets to its scrape loops on a fixed 5 s tick, so the first sample lands about 5 s
/// after <see cref="StartAsync"/> returns (use <see cref="WaitForSamplesAsync"/>). Instant queries look back 5 min
/// (<c>--query.lookback-delta</c>), but a target that stops answering gets staleness markers on its next failed scrape.
/// </remarks>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/prometheus";
    private const int MaxLogChars = 64 * 1024;
    private static readonly TimeSpan s_readyWithin = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly DirectoryInfo _folder;
    private readonly StringBuilder _log;
    private readonly HttpClient _http;
    private int _disposed;

    private PrometheusServer(Process process, DirectoryInfo folder, StringBuilder log, Uri baseUrl)
    {
        _process = process;
        _folder = folder;
        _log = log;
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The server's HTTP API and UI, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The prometheus.yml it runs with.</summary>
    public string ConfigPath => Path.Combine(_folder.FullName, "prometheus.yml");

    /// <summary>What Prometheus wrote to stderr so far (its log, level warn and up; the last 64 KB).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts Prometheus scraping <paramref name="targets"/> (loopback URLs of the metrics endpoints, e.g.
    /// <c>http://127.0.0.1:5000/metrics</c>; a bare <c>/</c> path means Prometheus's default <c>/metrics</c>) every
    /// <paramref name="scrapeInterval"/> (whole milliseconds; the scrape timeout is the same) and waits, up to 30 s,
    /// until it is ready.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<Uri> targets, TimeSpan scrapeInterval, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var list = targets.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one scrape target is needed.", nameof(targets));
        }

        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"Prometheus is not installed at {Executable} (Debian package 'prometheus'; ./test.sh installs it)");
        }

        var config = Config(list, scrapeInterval);

        // A port picked by FreePorts can still be taken by someone else before Prometheus binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var folder = Directory.CreateTempSubdirectory("oks-prometheus-");
            try
            {
                return await StartOnceAsync(folder, config, FreePorts.Next(), ct);
            }
            catch (PortTakenException) when (attempt < 3)
            {
                TryDelete(folder);
            }
            catch
            {
                TryDelete(folder);
                throw;
            }
        }
    }

    /// <summary>
    /// Evaluates an instant query (at <paramref name="at"/>, or now) and returns its one value: a scalar, the sample of a
    /// one-sample vector, or null for an empty vector. Throws on a query error or a vector of several samples.
    /// </summary>
    public async Task<double?> QueryAsync(string promql, DateTimeOffset? at = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(promql);
        var query = $"api/v1/query?query={Uri.EscapeDataString(promql)}";
        if (at is { } time)
        {
            query += "&time=" + (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        }

        using var response = await _http.GetAsync(new Uri(query, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Prometheus answered '{promql}' with HTTP {(int)response.StatusCode} and no JSON: {Truncate(body)}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (!response.IsSuccessStatusCode || root.GetProperty("status").GetString() != "success")
            {
                throw new InvalidOperationException($"Prometheus rejected '{promql}' (HTTP {(int)response.StatusCode}): {Truncate(body)}");
            }

            var data = root.GetProperty("data");
            var result = data.GetProperty("result");
            switch (data.GetProperty("resultType").GetString())
            {
                case "scalar":
                    return Sample(result);
                case "vector" when result.GetArrayLength() == 0:
                    return null;
                case "vector" when result.GetArrayLength() == 1:
                    return Sample(result[0].GetProperty("value"));
                case "vector":
                    throw new InvalidOperationException($"'{promql}' returned {result.GetArrayLength()} samples, not one: {Truncate(result.GetRawText())}");
                default:
                    throw new InvalidOperationException($"'{promql}' returned a {data.GetProperty("resultType").GetString()}, not a scalar or vector: {Truncate(result.GetRawText())}");
            }
        }
    }

    /// <summary>
    /// Waits until every series of <paramref name="metric"/> (a metric name or selector) that Prometheus has holds at
    /// least <paramref name="count"/> samples from the last hour, i.e. <c>min(count_over_time(metric[1h])) ≥ count</c>.
    /// </summary>
    public async Task WaitForSamplesAsync(string metric, int count, TimeSpan within)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        var deadline = DateTime.UtcNow + within;
        var query = $"min(count_over_time({metric}[1h]))";
        while (true)
        {
            var samples = await QueryAsync(query);
            if (samples >= count)
            {
                return;
            }

            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException(
                    $"{metric} did not reach {count} samples per series in {within} (has {samples?.ToString(CultureInfo.InvariantCulture) ?? "none"}"
                    + (_process.HasExited ? $"; Prometheus exited with {_process.ExitCode}" : "") + $"). Prometheus log:\n{Log}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills Prometheus, waits (bounded) for it to exit, and deletes its config and data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _http.Dispose();
        await StopAsync(_process);
        _process.Dispose();
        TryDelete(_folder);
    }

    private static async Task<PrometheusServer> StartOnceAsync(DirectoryInfo folder, string config, int port, CancellationToken ct)
    {
        var configPath = Path.Combine(folder.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config, ct);
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder.FullName,
        };
        foreach (var argument in new[]
        {
            $"--config.file={configPath}",
            $"--storage.tsdb.path={Path.Combine(folder.FullName, "data")}",
            "--storage.tsdb.retention.time=1h",
            $"--web.listen-address=127.0.0.1:{port}",
            $"--web.external-url=http://127.0.0.1:{port}/",
            "--web.enable-lifecycle",
            "--web.max-connections=64",
            "--query.max-concurrency=4",
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Scrapes go straight to the targets, never through a proxy from the environment.
        foreach (var proxy in new[] { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy" })
        {
            start.Environment.Remove(proxy);
        }

        start.Environment["NO_PROXY"] = "*";
        start.Environment["GOMAXPROCS"] = "2";

        var log = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.Append(e.Data).Append('\n');
                if (log.Length > MaxLogChars)
                {
                    log.Remove(0, log.Length - MaxLogChars);
                }
            }
        }

        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += Append;
        process.OutputDataReceived += Append;
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {Executable}");
        }

        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var server = new PrometheusServer(process, folder, log, baseUrl);
        try
        {
            await server.WaitUntilReadyAsync(ct);
            return server;
        }
        catch
        {
            server._http.Dispose();
            await StopAsync(process);
            process.Dispose();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        string? lastAnswer = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // Let the output readers drain what the process wrote before it died.
                await _process.WaitForExitAsync(ct);
                var log = Log;
                if (log.Contains("address already in use", StringComparison.Ordinal))
                {
                    throw new PortTakenException();
                }

                throw new InvalidOperationException(
                    $"Prometheus exited with code {_process.ExitCode} before it was ready. Its stderr:\n{log}\nConfig ({ConfigPath}):\n{File.ReadAllText(ConfigPath)}");
            }

            try
            {
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(ct);
                probe.CancelAfter(TimeSpan.FromSeconds(2));
                using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative), probe.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastAnswer = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                lastAnswer = e.Message;
            }

            if (started.Elapsed > s_readyWithin)
            {
                throw new TimeoutException(
                    $"Prometheus was not ready at {BaseUrl}-/ready within {s_readyWithin.TotalSeconds} s (last answer: {lastAnswer}). Its stderr:\n{Log}");
            }

            await Task.Delay(100, ct);
        }
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            // SIGKILL was sent; nothing more to do.
        }
    }

    /// <summary>prometheus.yml: one job <c>vllm</c>, one static group per distinct scheme and path.</summary>
    private static string Config(List<Uri> targets, TimeSpan scrapeInterval)
    {
        var milliseconds = (long)Math.Round(scrapeInterval.TotalMilliseconds);
        if (milliseconds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(scrapeInterval), scrapeInterval, "The scrape interval must be at least 1 ms.");
        }

        foreach (var target in targets)
        {
            ArgumentNullException.ThrowIfNull(target, nameof(targets));
            if (!target.IsAbsoluteUri || target.Scheme is not ("http" or "https") || !target.IsLoopback)
            {
                throw new ArgumentException($"Scrape targets must be absolute http(s) URLs on loopback, not {target}", nameof(targets));
            }

            if (target.Query.Length > 0 || target.UserInfo.Length > 0)
            {
                throw new ArgumentException($"Scrape targets cannot carry a query or credentials: {target}", nameof(targets));
            }
        }

        var interval = $"{milliseconds}ms";
        var yaml = new StringBuilder()
            .Append("# Written by OrleansKaitoScaler.TestSupport.PrometheusServer.\n")
            .Append("global:\n")
            .Append(CultureInfo.InvariantCulture, $"  scrape_interval: {interval}\n")
            .Append(CultureInfo.InvariantCulture, $"  scrape_timeout: {interval}\n")
            .Append(CultureInfo.InvariantCulture, $"  evaluation_interval: {interval}\n")
            .Append("scrape_configs:\n")
            .Append("  - job_name: vllm\n")
            .Append("    honor_labels: false\n")
            .Append("    static_configs:\n");
        foreach (var group in targets.GroupBy(t => (t.Scheme, Path: t.AbsolutePath == "/" ? "/metrics" : t.AbsolutePath)))
        {
            var hosts = string.Join(", ", group.Select(t => Quote(t.Authority)).Distinct());
            yaml.Append(CultureInfo.InvariantCulture, $"      - targets: [{hosts}]\n")
                .Append("        labels:\n")
                .Append(CultureInfo.InvariantCulture, $"          __scheme__: {Quote(group.Key.Scheme)}\n")
                .Append(CultureInfo.InvariantCulture, $"          __metrics_path__: {Quote(group.Key.Path)}\n");
        }

        return yaml.ToString();
    }

    /// <summary>A YAML double-quoted scalar (JSON strings are valid ones).</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);

    private static double Sample(JsonElement pair)
    {
        var text = pair[1].GetString();
        return text switch
        {
            "NaN" => double.NaN,
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : string.Concat(text.AsSpan(0, 2000), "…");

    private static void TryDelete(DirectoryInfo folder)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                folder.Refresh();
                if (folder.Exists)
                {
                    folder.Delete(recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }

    private sealed class PortTakenException : Exception;
}
