using System.Collections.Concurrent;
using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Fakes;

/// <summary>
/// What one InferenceSet's fake grain answers, set by the test, and every call it received. Subscribers are
/// kept like the real grain keeps them, and <see cref="PublishAsync"/> tells them about a change.
/// </summary>
public sealed class FakeInferenceSet
{
    public const string MetricName = "vllm:num_requests_waiting";

    private readonly Lock _lock = new();
    private readonly List<IActivityObserver> _observers = [];
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentQueue<MetricQuery> _queries = new();
    private ActivityAnswer _activity;
    private int _subscriptions;
    private int _unsubscriptions;

    public FakeInferenceSet(InferenceSetKey key, bool exists)
    {
        Key = key;
        var notFound = $"InferenceSet {key} not found";
        _activity = exists ? ActivityAnswer.Of(true) : ActivityAnswer.NotFound(notFound);
        Metric = exists ? _ => MetricAnswer.Of(0) : _ => MetricAnswer.NotFound(notFound);
    }

    public InferenceSetKey Key { get; }

    /// <summary>The answer to every <c>GetMetric</c>.</summary>
    public Func<MetricQuery, MetricAnswer> Metric { get; set; }

    /// <summary>When set, every grain call throws it.</summary>
    public Exception? Failure { get; set; }

    public ActivityAnswer Activity
    {
        get { lock (_lock) { return _activity; } }
        set { lock (_lock) { _activity = value; } }
    }

    /// <summary>The grain methods called, in order.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    public IReadOnlyList<MetricQuery> Queries => [.. _queries];

    public int Subscriptions => Volatile.Read(ref _subscriptions);

    public int Unsubscriptions => Volatile.Read(ref _unsubscriptions);

    public int Subscribers
    {
        get { lock (_lock) { return _observers.Count; } }
    }

    /// <summary>Valid trigger metadata for this InferenceSet, with <paramref name="changes"/> applied (a null value removes the key).</summary>
    public Dictionary<string, string> Metadata(params (string Key, string? Value)[] changes) =>
        MetadataSamples.For(Key, MetricName, changes);

    /// <summary>Changes the activity and tells every subscriber, as the real grain does on an inventory change.</summary>
    public async Task PublishAsync(ActivityAnswer answer)
    {
        IActivityObserver[] observers;
        lock (_lock)
        {
            _activity = answer;
            observers = [.. _observers];
        }

        foreach (var observer in observers)
        {
            await observer.OnActivityChanged(answer);
        }
    }

    internal ActivityAnswer OnGetActivity()
    {
        Record("GetActivity");
        return Activity;
    }

    internal MetricAnswer OnGetMetric(MetricQuery query)
    {
        Record("GetMetric");
        _queries.Enqueue(query);
        return Metric(query);
    }

    internal ActivityAnswer OnSubscribe(IActivityObserver observer)
    {
        Record("SubscribeActivity");
        Interlocked.Increment(ref _subscriptions);
        lock (_lock)
        {
            if (!_observers.Contains(observer))
            {
                _observers.Add(observer);
            }

            return _activity;
        }
    }

    internal void OnUnsubscribe(IActivityObserver observer)
    {
        Record("UnsubscribeActivity");
        Interlocked.Increment(ref _unsubscriptions);
        lock (_lock)
        {
            _observers.Remove(observer);
        }
    }

    private void Record(string call)
    {
        _calls.Enqueue(call);
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
