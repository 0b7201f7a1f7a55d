using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Inventory;

/// <summary>What the scaler knows of one InferenceSet at a moment: readiness and the services to scrape.</summary>
/// <param name="Key">Namespace and name.</param>
/// <param name="Ready">The <c>Ready</c> condition is <c>True</c>: drives <c>IsActive</c>.</param>
/// <param name="Replicas"><c>spec.replicas</c>, when known.</param>
/// <param name="ReadyReplicas"><c>status.readyReplicas</c>, when known.</param>
/// <param name="Services">One per Workspace service (replica).</param>
public sealed record InferenceSetSnapshot(
    InferenceSetKey Key,
    bool Ready,
    int? Replicas,
    int? ReadyReplicas,
    IReadOnlyList<InferenceSetService> Services)
{
    /// <summary>Value equality including the service list (records compare lists by reference).</summary>
    public bool Equals(InferenceSetSnapshot? other) =>
        other is not null
        && Key == other.Key
        && Ready == other.Ready
        && Replicas == other.Replicas
        && ReadyReplicas == other.ReadyReplicas
        && Services.SequenceEqual(other.Services);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key, Ready, Replicas, ReadyReplicas, Services.Count);
}
