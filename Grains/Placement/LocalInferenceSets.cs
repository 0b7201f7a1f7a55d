using System.Collections.Concurrent;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>The InferenceSet grains active on this silo (what the balancer may move, and the "grains per silo" figure).</summary>
public sealed class LocalInferenceSets
{
    private readonly ConcurrentDictionary<InferenceSetKey, byte> _keys = new();

    public int Count => _keys.Count;

    public IReadOnlyCollection<InferenceSetKey> Keys => [.. _keys.Keys];

    internal void Add(InferenceSetKey key) => _keys[key] = 0;

    internal void Remove(InferenceSetKey key) => _keys.TryRemove(key, out _);
}
