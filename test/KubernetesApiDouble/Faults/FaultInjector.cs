using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;

namespace OrleansKaitoScaler.KubernetesApiDouble.Faults;

/// <summary>
/// Makes the server misbehave the way real API servers do under load or during upgrades: throttling (429 with
/// Retry-After), internal errors, slowness, dropped watch connections, and compacted history (410 on resume).
/// Injected failures are answered with a proper <c>v1 Status</c> and recorded in the request log like any answer.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly ObjectStore _store;
    private readonly List<Failure> _failures = [];
    private readonly List<Latency> _latencies = [];

    internal FaultInjector(ObjectStore store) => _store = store;

    /// <summary>
    /// Fails the next <paramref name="count"/> requests that match <paramref name="when"/> (every request when null)
    /// with <paramref name="statusCode"/>: 429 TooManyRequests, 500 InternalError, 503 ServiceUnavailable, 504 Timeout…
    /// A 429 carries <c>Retry-After</c> (<paramref name="retryAfter"/>, default 1 s); so does a 503 when one is given.
    /// </summary>
    public void FailNext(int count, int statusCode, Func<ApiRequest, bool>? when = null, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        lock (_gate)
        {
            _failures.Add(new Failure(count, statusCode, when ?? (_ => true), retryAfter));
        }
    }

    /// <summary>Delays every request that matches <paramref name="when"/> (all when null) until the returned handle is disposed.</summary>
    public IDisposable AddLatency(TimeSpan delay, Func<ApiRequest, bool>? when = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var latency = new Latency(this, delay, when ?? (_ => true));
        lock (_gate)
        {
            _latencies.Add(latency);
        }

        return latency;
    }

    /// <summary>
    /// Aborts every open watch connection without a final event or chunk, as a restarting API server or a broken
    /// network does; returns how many were open. Clients see the response end with an I/O error.
    /// </summary>
    public int DropWatches() => _store.DropWatches();

    /// <summary>Compacts the event history (see <see cref="ObjectStore.Compact"/>): resuming from any earlier resourceVersion gets 410.</summary>
    public void ExpireHistory() => _store.Compact();

    /// <summary>Removes every pending failure and latency.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _failures.Clear();
            _latencies.Clear();
        }
    }

    internal TimeSpan LatencyFor(ApiRequest request)
    {
        lock (_gate)
        {
            return _latencies.Where(l => l.When(request)).Select(l => l.Delay).DefaultIfEmpty(TimeSpan.Zero).Max();
        }
    }

    internal ApiError? TakeFailure(ApiRequest request)
    {
        lock (_gate)
        {
            var failure = _failures.FirstOrDefault(f => f.When(request));
            if (failure is null)
            {
                return null;
            }

            if (--failure.Remaining == 0)
            {
                _failures.Remove(failure);
            }

            return ApiError.ForStatusCode(failure.StatusCode, failure.RetryAfter);
        }
    }

    private sealed class Failure(int count, int statusCode, Func<ApiRequest, bool> when, TimeSpan? retryAfter)
    {
        public int Remaining { get; set; } = count;

        public int StatusCode { get; } = statusCode;

        public Func<ApiRequest, bool> When { get; } = when;

        public TimeSpan? RetryAfter { get; } = retryAfter;
    }

    private sealed class Latency(FaultInjector owner, TimeSpan delay, Func<ApiRequest, bool> when) : IDisposable
    {
        public TimeSpan Delay { get; } = delay;

        public Func<ApiRequest, bool> When { get; } = when;

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._latencies.Remove(this);
            }
        }
    }
}
