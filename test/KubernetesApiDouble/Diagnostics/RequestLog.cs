namespace OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;

/// <summary>
/// Every request the server has answered, in order. Watches are recorded when their stream opens, so a test can wait
/// for a client to have started watching.
/// </summary>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RequestRecord> _records = [];
    private readonly List<(Func<RequestRecord, bool> Predicate, TaskCompletionSource<RequestRecord> Done)> _waiters = [];

    /// <summary>A copy of the records so far.</summary>
    public IReadOnlyList<RequestRecord> Snapshot()
    {
        lock (_gate)
        {
            return [.. _records];
        }
    }

    /// <summary>How many records satisfy <paramref name="predicate"/> (all of them when null).</summary>
    public int Count(Func<RequestRecord, bool>? predicate = null)
    {
        lock (_gate)
        {
            return predicate is null ? _records.Count : _records.Count(predicate);
        }
    }

    /// <summary>Forgets the records so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }

    /// <summary>
    /// The first record, already logged or still to come, that satisfies <paramref name="predicate"/>; throws
    /// <see cref="TimeoutException"/> if none arrives within <paramref name="timeout"/>.
    /// </summary>
    public async Task<RequestRecord> WaitForAsync(Func<RequestRecord, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var done = new TaskCompletionSource<RequestRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_records.FirstOrDefault(predicate) is { } already)
            {
                return already;
            }

            _waiters.Add((predicate, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching request within {timeout}; requests so far:{Environment.NewLine}{Describe()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }
        }
    }

    internal void Add(RequestRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
            foreach (var (predicate, done) in _waiters.Where(w => w.Predicate(record)))
            {
                done.TrySetResult(record);
            }
        }
    }

    private string Describe() =>
        string.Join(Environment.NewLine, Snapshot().Select(r => $"  {r.StatusCode} {r.Request.Verb} {r.Request.Method} {r.Request.Path}{r.Request.Query}"));
}
