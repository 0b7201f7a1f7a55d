using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// The parts of an InferenceSet that the ScaledObject depends on: its uid (owner reference), <c>spec.nodeCountLimit</c>
/// and the <c>scaledobject.kaito.sh/*</c> annotations. A watch event that changes none of them (status, replicas)
/// needs no reconcile.
/// </summary>
/// <param name="Uid">The InferenceSet's uid.</param>
/// <param name="NodeCountLimit">The fallback maximum.</param>
/// <param name="Annotations">Our annotations, sorted, as one comparable string.</param>
internal sealed record ProvisioningInputs(string? Uid, int? NodeCountLimit, string Annotations)
{
    /// <summary>True when any <c>scaledobject.kaito.sh/*</c> annotation is set.</summary>
    public static bool HasOurAnnotations(InferenceSetObject inferenceSet)
    {
        ArgumentNullException.ThrowIfNull(inferenceSet);
        return inferenceSet.Annotations.Keys.Any(k => k.StartsWith(AutoProvisioningAnnotations.Prefix, StringComparison.Ordinal));
    }

    public static ProvisioningInputs Of(InferenceSetObject inferenceSet)
    {
        ArgumentNullException.ThrowIfNull(inferenceSet);
        var ours = inferenceSet.Annotations
            .Where(a => a.Key.StartsWith(AutoProvisioningAnnotations.Prefix, StringComparison.Ordinal))
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => a.Key + "\0" + a.Value);
        return new ProvisioningInputs(inferenceSet.Uid, inferenceSet.NodeCountLimit, string.Join("\0\0", ours));
    }
}
