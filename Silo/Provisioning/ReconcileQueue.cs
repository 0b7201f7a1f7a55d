using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// client-go's rate-limited work queue, keyed by InferenceSet. A key is pending at most once however often it is
/// added; a key being reconciled is not handed out again until <see cref="Done"/>, and an add meanwhile queues it
/// once more after that, so the latest state is always looked at. <see cref="Retry"/> waits per key, starting at the
/// initial delay and doubling per failure up to the maximum, until <see cref="Forget"/>.
/// </summary>
internal sealed class ReconcileQueue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _initialDelay;
    private readonly TimeSpan _maxDelay;
    private readonly Queue<ObjectKey> _ready = new();
    private readonly HashSet<ObjectKey> _dirty = [];
    private readonly HashSet<ObjectKey> _processing = [];
    private readonly Dictionary<ObjectKey, Delayed> _waiting = [];
    private readonly Dictionary<ObjectKey, int> _failures = [];
    private TaskCompletionSource _available = NewSignal();
    private bool _disposed;

    public ReconcileQueue(TimeSpan initialDelay, TimeSpan maxDelay, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, initialDelay);
        _initialDelay = initialDelay;
        _maxDelay = maxDelay;
        _time = time;
    }

    /// <summary>Keys waiting to be handed out now (not those waiting for a delay or being reconciled).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> unless it is pending already.</summary>
    public void Add(ObjectKey key)
    {
        lock (_gate)
        {
            AddLocked(key);
        }
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; an earlier pending delay for it wins.</summary>
    public void AddAfter(ObjectKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var delayed = new Delayed(due);
            _waiting[key] = delayed;
            delayed.Timer = _time.CreateTimer(_ => Fire(key, delayed), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Queues <paramref name="key"/> after its backoff, which doubles with each call until <see cref="Forget"/>; returns the wait.</summary>
    public TimeSpan Retry(ObjectKey key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            delay = BackoffFor(failures);
        }

        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Resets <paramref name="key"/>'s backoff: it reconciled successfully.</summary>
    public void Forget(ObjectKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>The next key to reconcile, waiting until there is one; the caller must call <see cref="Done"/> with it.</summary>
    public async Task<ObjectKey> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_ready.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return key;
                }

                if (_available.Task.IsCompleted)
                {
                    _available = NewSignal();
                }

                signal = _available.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the reconcile of <paramref name="key"/>; if it was added meanwhile it is queued again.</summary>
    public void Done(ObjectKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_disposed)
            {
                Enqueue(key);
            }
        }
    }

    /// <summary>Drops everything pending and every delayed add; wakes waiting takers, which then fail.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var delayed in _waiting.Values)
            {
                delayed.Timer.Dispose();
            }

            _waiting.Clear();
            _ready.Clear();
            _dirty.Clear();
            _available.TrySetResult();
        }
    }

    private TimeSpan BackoffFor(int failures)
    {
        // Doubling from the initial delay; past 2^30 the maximum has long been reached.
        var factor = Math.Pow(2, Math.Min(failures, 30));
        var ticks = _initialDelay.Ticks * factor;
        return ticks >= _maxDelay.Ticks ? _maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private void Fire(ObjectKey key, Delayed delayed)
    {
        lock (_gate)
        {
            if (_waiting.TryGetValue(key, out var current) && ReferenceEquals(current, delayed))
            {
                _waiting.Remove(key);
                delayed.Timer.Dispose();
                AddLocked(key);
            }
        }
    }

    private void AddLocked(ObjectKey key)
    {
        if (_disposed || !_dirty.Add(key))
        {
            return;
        }

        if (!_processing.Contains(key))
        {
            Enqueue(key);
        }
    }

    private void Enqueue(ObjectKey key)
    {
        _ready.Enqueue(key);
        _available.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Delayed(DateTimeOffset due)
    {
        public DateTimeOffset Due { get; } = due;

        public ITimer Timer { get; set; } = null!;
    }
}
