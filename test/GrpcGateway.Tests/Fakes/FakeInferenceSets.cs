using System.Collections.Concurrent;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Fakes;

/// <summary>
/// The InferenceSets the fake grains answer for, by grain key. Each test makes its own, with a unique name,
/// so tests sharing one silo never see each other's grains.
/// </summary>
public static class FakeInferenceSets
{
    private static readonly ConcurrentDictionary<string, FakeInferenceSet> s_sets = new();

    /// <summary>An InferenceSet that exists: ready, and answering 0 to every metric until told otherwise.</summary>
    public static FakeInferenceSet Existing() => Add(exists: true);

    /// <summary>A name no InferenceSet has: its grain answers <c>NotFound</c>, like the real one.</summary>
    public static FakeInferenceSet Missing() => Add(exists: false);

    internal static FakeInferenceSet For(string grainKey) =>
        s_sets.GetOrAdd(grainKey, key => new FakeInferenceSet(InferenceSetKey.Parse(key), exists: false));

    private static FakeInferenceSet Add(bool exists)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var set = new FakeInferenceSet(new InferenceSetKey($"ns-{id}", $"phi-4-{id}"), exists);
        s_sets[set.Key.ToString()] = set;
        return set;
    }
}
