using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Inventory;

/// <summary>
/// The in-memory inventory. Its feeders (file watcher, Kubernetes informer) call <see cref="Replace"/>,
/// <see cref="Upsert"/> or <see cref="Remove"/>; watchers hear only about real changes.
/// </summary>
public sealed class InferenceSetInventory : IInferenceSetInventory
{
    private readonly ConcurrentDictionary<InferenceSetKey, InferenceSetSnapshot> _items = new();
    private readonly ConcurrentDictionary<InferenceSetKey, ImmutableWatchers> _watchers = new();
    private readonly Lock _writeLock = new();
    private volatile bool _synced;
    private long _lastSyncedTicks = -1;

    /// <inheritdoc />
    public bool IsSynced => _synced;

    /// <inheritdoc />
    public DateTimeOffset? LastSyncedAt =>
        Interlocked.Read(ref _lastSyncedTicks) is var ticks and >= 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Notes that the feeder confirmed the inventory current at <paramref name="at"/>, changed or not.</summary>
    public void MarkSynced(DateTimeOffset at) => Interlocked.Exchange(ref _lastSyncedTicks, at.UtcTicks);

    /// <inheritdoc />
    public IReadOnlyCollection<InferenceSetSnapshot> All => _items.Values.ToArray();

    /// <inheritdoc />
    public bool TryGet(InferenceSetKey key, [NotNullWhen(true)] out InferenceSetSnapshot? snapshot) =>
        _items.TryGetValue(key, out snapshot);

    /// <summary>Replaces the whole inventory (a full list); marks it synced.</summary>
    public void Replace(IEnumerable<InferenceSetSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var changed = new List<(InferenceSetKey, InferenceSetSnapshot?)>();
        lock (_writeLock)
        {
            var next = new Dictionary<InferenceSetKey, InferenceSetSnapshot>();
            foreach (var snapshot in snapshots)
            {
                next[snapshot.Key] = snapshot;
            }

            foreach (var key in _items.Keys)
            {
                if (!next.ContainsKey(key) && _items.TryRemove(key, out _))
                {
                    changed.Add((key, null));
                }
            }

            foreach (var (key, snapshot) in next)
            {
                if (!_items.TryGetValue(key, out var old) || !old.Equals(snapshot))
                {
                    _items[key] = snapshot;
                    changed.Add((key, snapshot));
                }
            }

            if (!_synced)
            {
                // Watched before the first list (a grain activated on a silo still starting): "not known yet" became
                // "missing", which is a change for the watcher, though no item changed.
                var told = changed.Select(c => c.Item1).ToHashSet();
                changed.AddRange(_watchers.Keys.Where(k => !next.ContainsKey(k) && !told.Contains(k)).Select(k => (k, (InferenceSetSnapshot?)null)));
            }

            _synced = true;
        }

        Notify(changed);
    }

    /// <summary>Adds or updates one InferenceSet.</summary>
    public void Upsert(InferenceSetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        bool changed;
        lock (_writeLock)
        {
            changed = !_items.TryGetValue(snapshot.Key, out var old) || !old.Equals(snapshot);
            _items[snapshot.Key] = snapshot;
        }

        if (changed)
        {
            Notify([(snapshot.Key, snapshot)]);
        }
    }

    /// <summary>Removes one InferenceSet (it was deleted).</summary>
    public void Remove(InferenceSetKey key)
    {
        bool removed;
        lock (_writeLock)
        {
            removed = _items.TryRemove(key, out _);
        }

        if (removed)
        {
            Notify([(key, null)]);
        }
    }

    /// <inheritdoc />
    public IDisposable Watch(InferenceSetKey key, Action<InferenceSetSnapshot?> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        _watchers.AddOrUpdate(key, _ => new([onChange]), (_, w) => w.With(onChange));
        return new Subscription(this, key, onChange);
    }

    private void Unwatch(InferenceSetKey key, Action<InferenceSetSnapshot?> onChange)
    {
        while (_watchers.TryGetValue(key, out var current))
        {
            var next = current.Without(onChange);
            var done = next.Callbacks.Length == 0
                ? _watchers.TryRemove(new KeyValuePair<InferenceSetKey, ImmutableWatchers>(key, current))
                : _watchers.TryUpdate(key, next, current);
            if (done)
            {
                return;
            }
        }
    }

    private void Notify(IEnumerable<(InferenceSetKey Key, InferenceSetSnapshot? Snapshot)> changes)
    {
        foreach (var (key, snapshot) in changes)
        {
            if (_watchers.TryGetValue(key, out var watchers))
            {
                foreach (var callback in watchers.Callbacks)
                {
                    callback(snapshot);
                }
            }
        }
    }

    private sealed record ImmutableWatchers(Action<InferenceSetSnapshot?>[] Callbacks)
    {
        public ImmutableWatchers With(Action<InferenceSetSnapshot?> callback) => new([.. Callbacks, callback]);

        public ImmutableWatchers Without(Action<InferenceSetSnapshot?> callback) =>
            new(Callbacks.Where(c => c != callback).ToArray());
    }

    private sealed class Subscription(InferenceSetInventory owner, InferenceSetKey key, Action<InferenceSetSnapshot?> callback)
        : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unwatch(key, callback);
            }
        }
    }
}
