using System.Collections.Concurrent;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.State;

/// <summary>The silo-local board where this silo's InferenceSet grains post their state; read by the state page and metrics.</summary>
public sealed class InferenceSetStateRegistry
{
    private readonly ConcurrentDictionary<InferenceSetKey, InferenceSetState> _states = new();

    public int Count => _states.Count;

    /// <summary>The bytes all windows on this silo hold, approximately.</summary>
    public long WindowBytes => _states.Values.Sum(s => s.WindowBytes);

    public void Publish(InferenceSetKey key, InferenceSetState state) => _states[key] = state;

    public void Remove(InferenceSetKey key) => _states.TryRemove(key, out _);

    public IReadOnlyList<InferenceSetState> Snapshot() => _states.Values.ToArray();
}
