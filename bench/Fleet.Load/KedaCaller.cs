using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansKaitoScaler.Abstractions.Keda;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// Calls the scaler's <c>externalscaler.ExternalScaler</c> service as KEDA does: one trigger per InferenceSet, asked over
/// gRPC (round-robin over the silos' gateways, as KEDA reaches one Service).
/// </summary>
internal sealed class KedaCaller : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly ExternalScaler.ExternalScalerClient[] _clients;
    private readonly Dictionary<string, string> _metadata;
    private readonly ConcurrentDictionary<int, GetMetricsRequest> _requests = new();
    private int _next;

    /// <param name="metadata">Trigger metadata beyond the InferenceSet's name and namespace.</param>
    public KedaCaller(IEnumerable<Uri> gateways, IReadOnlyDictionary<string, string> metadata)
    {
        _channels = [.. gateways.Select(g => GrpcChannel.ForAddress(g))];
        _clients = [.. _channels.Select(c => new ExternalScaler.ExternalScalerClient(c))];
        _metadata = new Dictionary<string, string>(metadata);
    }

    /// <summary>The trigger of the simple form: <c>sum</c> of <c>vllm:num_requests_waiting</c>.</summary>
    public static IReadOnlyDictionary<string, string> QueueTrigger { get; } = new Dictionary<string, string>
    {
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = "10",
    };

    /// <summary>One GetMetrics for InferenceSet <paramref name="set"/>: its value, or null when not Ok.</summary>
    public async Task<double?> GetMetricsAsync(int set, CancellationToken cancellationToken = default)
    {
        var client = _clients[(uint)Interlocked.Increment(ref _next) % _clients.Length];
        try
        {
            var response = await client.GetMetricsAsync(Request(set), cancellationToken: cancellationToken);
            return response.MetricValues[0].MetricValueFloat;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>Asks every InferenceSet until each answers Ok (its first call starts its scraping), bounded.</summary>
    public async Task RegisterAllAsync(int sets, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        await Parallel.ForAsync(0, sets, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            while (await GetMetricsAsync(i, token) is null)
            {
                if (deadline.Elapsed > within)
                {
                    throw new TimeoutException($"InferenceSet {FleetInventory.Name(i)} did not answer Ok within {within}");
                }

                await Task.Delay(200, token);
            }
        });
    }

    /// <summary>
    /// KEDA's polling: every InferenceSet once per <paramref name="period"/>, spread evenly, until
    /// <paramref name="cancellationToken"/> fires. Returns (calls, answers that were not Ok).
    /// </summary>
    public async Task<(long Calls, long NotOk)> PollAsync(int sets, TimeSpan period, CancellationToken cancellationToken)
    {
        long calls = 0, notOk = 0;
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        try
        {
            for (long k = 0; !cancellationToken.IsCancellationRequested; k++)
            {
                var due = period * ((double)k / sets);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }

                var set = (int)(k % sets);
                pending.Add(Call(set));
                if (pending.Count > 256)
                {
                    pending.RemoveAll(t => t.IsCompleted);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The window ended.
        }

        await Task.WhenAll(pending);
        return (calls, notOk);

        async Task Call(int set)
        {
            var value = await GetMetricsAsync(set, CancellationToken.None);
            Interlocked.Increment(ref calls);
            if (value is null)
            {
                Interlocked.Increment(ref notOk);
            }
        }
    }

    /// <summary>
    /// Open-loop load: <paramref name="perSecond"/> GetMetrics calls a second, round-robin over the InferenceSets, for
    /// <paramref name="duration"/>; each call's latency from send to answer. Calls are sent on schedule whether or not
    /// earlier ones have answered, so a slow answer cannot slow the caller down and hide itself (no coordinated omission).
    /// </summary>
    public Task<LatencySummary> PaceAsync(int sets, int perSecond, TimeSpan duration) =>
        PaceAsync(sets, perSecond, duration, async set => await GetMetricsAsync(set) is not null);

    /// <summary>
    /// The same pacing with <c>GetMetricSpec</c>, which the gateway answers from the trigger metadata without asking any
    /// grain: the floor that gRPC over loopback, both HTTP/2 stacks and the two processes' scheduling put under every call.
    /// </summary>
    public Task<LatencySummary> PaceMetricSpecAsync(int sets, int perSecond, TimeSpan duration) =>
        PaceAsync(sets, perSecond, duration, async set =>
        {
            try
            {
                var client = _clients[(uint)Interlocked.Increment(ref _next) % _clients.Length];
                await client.GetMetricSpecAsync(Request(set).ScaledObjectRef);
                return true;
            }
            catch (RpcException)
            {
                return false;
            }
        });

    /// <remarks>
    /// Calls in flight are counted, not kept: a list of every call's task would keep all of them alive to the end, and
    /// each of the caller's collections would copy every call made so far, pausing it for tens of milliseconds in the
    /// middle of the latencies it measures.
    /// </remarks>
    private static async Task<LatencySummary> PaceAsync(int sets, int perSecond, TimeSpan duration, Func<int, Task<bool>> call)
    {
        var pacing = new Pacing(sets, (int)(perSecond * duration.TotalSeconds), call);
        var (collections, paused) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < pacing.Latencies.Length; k++)
        {
            var due = TimeSpan.FromSeconds((double)k / perSecond);
            if (due - clock.Elapsed > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(due - clock.Elapsed);
            }

            pacing.Send(k);
        }

        await pacing.AllAnsweredAsync();
        return LatencySummary.Of(pacing.Latencies, clock.Elapsed, pacing.Failures) with
        {
            CallerCollections = GC.CollectionCount(0) - collections,
            CallerPauseMs = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds,
        };
    }

    /// <summary>One paced run's calls: each sent on the thread pool, timed from send to answer, counted until the last answers.</summary>
    private sealed class Pacing(int sets, int calls, Func<int, Task<bool>> call)
    {
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _failures;
        private int _outstanding = 1;

        public double[] Latencies { get; } = new double[calls];

        public int Failures => Volatile.Read(ref _failures);

        public void Send(int index)
        {
            Interlocked.Increment(ref _outstanding);
            ThreadPool.QueueUserWorkItem(static async state => await state.Pacing.CallAsync(state.Index), (Pacing: this, Index: index), preferLocal: false);
        }

        /// <summary>Once every call is sent: completes when the last answers.</summary>
        public Task AllAnsweredAsync()
        {
            Answered();
            return _answered.Task;
        }

        private async Task CallAsync(int index)
        {
            var sent = Stopwatch.GetTimestamp();
            if (!await call(index % sets))
            {
                Interlocked.Increment(ref _failures);
            }

            Latencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            Answered();
        }

        private void Answered()
        {
            if (Interlocked.Decrement(ref _outstanding) == 0)
            {
                _answered.SetResult();
            }
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    /// <summary>
    /// Drops the requests built so far (they are built again on the next call): the memory phase runs the scaler in this
    /// process, and the caller's requests (2.2 KB per InferenceSet for two triggers) are not the scaler's memory.
    /// </summary>
    public void ForgetRequests() => _requests.Clear();

    /// <summary>
    /// Set <paramref name="set"/>'s request, built once (KEDA, too, builds a trigger's once per ScaledObject): each call
    /// building its own would make the caller collect garbage that much more often, and its pauses would count in the
    /// latencies it measures.
    /// </summary>
    private GetMetricsRequest Request(int set) =>
        _requests.GetOrAdd(set, static (set, caller) => new GetMetricsRequest { ScaledObjectRef = caller.Reference(set) }, this);

    private ScaledObjectRef Reference(int set)
    {
        var reference = new ScaledObjectRef { Name = FleetInventory.Name(set), Namespace = FleetInventory.Namespace(set) };
        reference.ScalerMetadata.Add(_metadata);
        reference.ScalerMetadata["inferenceSetName"] = FleetInventory.Name(set);
        reference.ScalerMetadata["inferenceSetNamespace"] = FleetInventory.Namespace(set);
        return reference;
    }
}

/// <summary>
/// Percentiles from the silo's own histogram of the calls between two readings: the upper bound of the bucket holding
/// the rank, so "≤ x".
/// </summary>
internal sealed record ServerLatency(double Calls, double P50UpToMs, double P99UpToMs)
{
    /// <summary>The silo's garbage collections over the same span, and its threads' total pause in them.</summary>
    public double Collections { get; init; }

    public double PauseMs { get; init; }

    /// <summary>What the silo allocated over the span, per call made (scraping's share included).</summary>
    public double AllocatedKbPerCall { get; init; }

    /// <summary>These percentiles with the silo's collections, pauses and allocations between two readings of its runtime metrics.</summary>
    public ServerLatency WithGc(GcReading before, GcReading after, int calls) =>
        this with
        {
            Collections = after.Collections - before.Collections,
            PauseMs = (after.PauseSeconds - before.PauseSeconds) * 1000,
            AllocatedKbPerCall = calls == 0 ? double.NaN : (after.AllocatedBytes - before.AllocatedBytes) / calls / 1024,
        };

    public static ServerLatency Between(SortedDictionary<double, double> before, SortedDictionary<double, double> after)
    {
        var counts = after.Select(b => (Bound: b.Key, Count: b.Value - before.GetValueOrDefault(b.Key))).ToList();
        var total = counts.Count == 0 ? 0 : counts[^1].Count;
        double UpTo(double q) => total == 0 ? double.NaN : counts.First(c => c.Count >= q * total).Bound * 1000;
        return new ServerLatency(total, UpTo(0.50), UpTo(0.99));
    }
}

/// <summary>A silo's garbage collections, their total pause and the bytes it allocated so far, from its runtime metrics.</summary>
internal readonly record struct GcReading(double Collections, double PauseSeconds, double AllocatedBytes);

/// <summary>Latency percentiles of a paced run.</summary>
internal sealed record LatencySummary(int Calls, double CallsPerSecond, double P50Ms, double P99Ms, double MaxMs, int Failures)
{
    /// <summary>The calling process's own garbage collections over the run (any generation), and its threads' total pause in them.</summary>
    public int CallerCollections { get; init; }

    public double CallerPauseMs { get; init; }

    public static LatencySummary Of(double[] latencies, TimeSpan elapsed, int failures)
    {
        var sorted = latencies.Order().ToArray();
        return new LatencySummary(sorted.Length, sorted.Length / elapsed.TotalSeconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1], failures);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
