using System.Diagnostics.CodeAnalysis;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Inventory;

/// <summary>
/// The silo-local, in-memory view of InferenceSets that grains read on every scrape and answer;
/// fed by a watch (Kubernetes) or a file (standalone), never by a call per scrape.
/// </summary>
public interface IInferenceSetInventory
{
    /// <summary>True once the first full load has completed.</summary>
    bool IsSynced { get; }

    /// <summary>When the feeder last confirmed the inventory current (a file read, a watch event); null before the first.</summary>
    DateTimeOffset? LastSyncedAt { get; }

    /// <summary>The InferenceSet as last seen, or false when it does not exist.</summary>
    bool TryGet(InferenceSetKey key, [NotNullWhen(true)] out InferenceSetSnapshot? snapshot);

    /// <summary>All InferenceSets as last seen.</summary>
    IReadOnlyCollection<InferenceSetSnapshot> All { get; }

    /// <summary>
    /// Calls <paramref name="onChange"/> whenever the InferenceSet changes or is deleted (with null), and once with
    /// null when the first full list shows it missing (a watcher from before the sync learns it was never there).
    /// The callback runs on the inventory's thread and must not block. Dispose to stop.
    /// </summary>
    IDisposable Watch(InferenceSetKey key, Action<InferenceSetSnapshot?> onChange);
}
