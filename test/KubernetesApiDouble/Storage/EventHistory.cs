namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>
/// The bounded window of past writes that watches replay from, like the API server's watch cache over etcd.
/// A watch can resume from resourceVersion N only while every event after N is still here; otherwise it is expired (410).
/// </summary>
internal sealed class EventHistory(int capacity)
{
    private readonly Queue<StoredEvent> _events = new();

    /// <summary>The oldest resourceVersion a watch or continue token may resume from.</summary>
    public long Floor { get; private set; }

    public void Append(StoredEvent stored)
    {
        _events.Enqueue(stored);
        while (_events.Count > capacity)
        {
            Floor = _events.Dequeue().ResourceVersion;
        }
    }

    /// <summary>Forgets everything before <paramref name="resourceVersion"/>, as an etcd compaction does.</summary>
    public void Compact(long resourceVersion)
    {
        _events.Clear();
        Floor = Math.Max(Floor, resourceVersion);
    }

    public bool CanResumeFrom(long resourceVersion) => resourceVersion >= Floor;

    public IEnumerable<StoredEvent> After(long resourceVersion) => _events.Where(e => e.ResourceVersion > resourceVersion);
}
