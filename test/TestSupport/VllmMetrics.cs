using System.Globalization;
using System.Text;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// The state of one simulated vLLM server and its exposition text, shaped like vLLM v1's <c>/metrics</c>
/// (prometheus_client text 0.0.4: HELP/TYPE headers, <c>engine</c> and <c>model_name</c> labels, one series
/// per data-parallel engine, time-to-first-token histogram). Values are split evenly across engines so a
/// scraper must sum the series to see the totals set here.
/// </summary>
public sealed class VllmMetrics
{
    public static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];

    private readonly Lock _lock = new();
    private readonly double[] _bucketCounts = new double[TtftBuckets.Length];
    private double _waiting;
    private double _running;
    private double _kvCache;
    private double _ttftSum;
    private double _ttftCount;
    private double _generationTokens;
    private double _tokensPerSecond;
    private long _tokensSince;
    private readonly List<(double Seconds, double PerSecond, long Since)> _steadyRequests = [];

    public string ModelName { get; init; } = "microsoft/Phi-4-mini-instruct";

    /// <summary>Data-parallel engines; each gets an equal share of the gauges.</summary>
    public int Engines { get; init; } = 2;

    public double Waiting { get => Read(ref _waiting); set => Write(ref _waiting, value); }

    public double Running { get => Read(ref _running); set => Write(ref _running, value); }

    public double KvCacheUsage { get => Read(ref _kvCache); set => Write(ref _kvCache, value); }

    /// <summary>The clock that makes <see cref="TokensPerSecond"/> grow the token counter.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Makes <c>vllm:generation_tokens_total</c> grow steadily at this rate (by <see cref="Clock"/>).</summary>
    public double TokensPerSecond
    {
        get => Read(ref _tokensPerSecond);
        set
        {
            lock (_lock)
            {
                _generationTokens = GeneratedTokens();
                _tokensSince = Clock.GetTimestamp();
                _tokensPerSecond = value;
            }
        }
    }

    /// <summary>Records <paramref name="count"/> requests whose first token took <paramref name="seconds"/>.</summary>
    public void ObserveTimeToFirstToken(double seconds, int count = 1)
    {
        lock (_lock)
        {
            _ttftSum += seconds * count;
            _ttftCount += count;
            for (var i = 0; i < TtftBuckets.Length; i++)
            {
                if (seconds <= TtftBuckets[i])
                {
                    _bucketCounts[i] += count;
                }
            }
        }
    }

    /// <summary>
    /// From now on, <paramref name="perSecond"/> requests a second see their first token after <paramref name="seconds"/>,
    /// growing the histogram smoothly with <see cref="Clock"/> (as <see cref="TokensPerSecond"/> grows the token counter),
    /// so a rate over any window is exact rather than stepping with a load loop's ticks.
    /// </summary>
    public void ObserveTimeToFirstTokenSteadily(double seconds, double perSecond)
    {
        lock (_lock)
        {
            _steadyRequests.Add((seconds, perSecond, Clock.GetTimestamp()));
        }
    }

    /// <summary>Restarts the counters, as a restarted vLLM process does.</summary>
    public void ResetCounters()
    {
        lock (_lock)
        {
            _ttftSum = _ttftCount = _generationTokens = 0;
            _tokensSince = Clock.GetTimestamp();
            Array.Clear(_bucketCounts);
            for (var i = 0; i < _steadyRequests.Count; i++)
            {
                _steadyRequests[i] = _steadyRequests[i] with { Since = _tokensSince };
            }
        }
    }

    /// <summary>The exposition text as vLLM serves it.</summary>
    public string Render()
    {
        lock (_lock)
        {
            var text = new StringBuilder(8192);
            Gauge(text, "vllm:num_requests_running", "Number of requests in model execution batches.", _running);
            Gauge(text, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", _waiting);
            Gauge(text, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", _kvCache);
            Counter(text, "vllm:generation_tokens_total", "Number of generation tokens processed.", GeneratedTokens());
            Histogram(text);
            text.Append("# HELP python_gc_collections_total Number of times this generation was collected\n# TYPE python_gc_collections_total counter\n");
            for (var generation = 0; generation < 3; generation++)
            {
                text.Append(CultureInfo.InvariantCulture, $"python_gc_collections_total{{generation=\"{generation}\"}} {1000 - (300 * generation)}.0\n");
            }

            text.Append("# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 2.123456512e+09\n");
            return text.ToString();
        }
    }

    private double GeneratedTokens() =>
        _tokensPerSecond == 0 ? _generationTokens : _generationTokens + (_tokensPerSecond * Clock.GetElapsedTime(_tokensSince).TotalSeconds);

    private void Gauge(StringBuilder text, string name, string help, double total) => Series(text, name, help, "gauge", total);

    private void Counter(StringBuilder text, string name, string help, double total) => Series(text, name, help, "counter", total);

    private void Series(StringBuilder text, string name, string help, string type, double total)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        for (var engine = 0; engine < Engines; engine++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{engine=\"{engine}\",model_name=\"{ModelName}\"}} {Number(total / Engines)}\n");
        }
    }

    private void Histogram(StringBuilder text)
    {
        const string name = "vllm:time_to_first_token_seconds";
        var buckets = (double[])_bucketCounts.Clone();
        var count = _ttftCount;
        var sum = _ttftSum;
        foreach (var (seconds, perSecond, since) in _steadyRequests)
        {
            var observed = perSecond * Clock.GetElapsedTime(since).TotalSeconds;
            count += observed;
            sum += seconds * observed;
            for (var i = 0; i < TtftBuckets.Length; i++)
            {
                if (seconds <= TtftBuckets[i])
                {
                    buckets[i] += observed;
                }
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} Histogram of time to first token in seconds.\n# TYPE {name} histogram\n");
        for (var engine = 0; engine < Engines; engine++)
        {
            var labels = $"engine=\"{engine}\",model_name=\"{ModelName}\"";
            for (var i = 0; i < TtftBuckets.Length; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{Number(TtftBuckets[i])}\"}} {Number(buckets[i] / Engines)}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {Number(count / Engines)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {Number(count / Engines)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {Number(sum / Engines)}\n");
        }
    }

    private static string Number(double value) => value.ToString("0.0###########", CultureInfo.InvariantCulture);

    private double Read(ref double field)
    {
        lock (_lock)
        {
            return field;
        }
    }

    private void Write(ref double field, double value)
    {
        lock (_lock)
        {
            field = value;
        }
    }
}
