using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>
/// One write, as the event history keeps it. <see cref="Previous"/> is the state before a modification, so that a
/// filtered watch can tell an object that stopped matching its selector (which it reports as DELETED).
/// </summary>
internal sealed record StoredEvent(long ResourceVersion, WatchEventType Type, ResourceKey Key, StoredObject Object, StoredObject? Previous);
