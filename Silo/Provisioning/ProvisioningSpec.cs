using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>A validated auto-provisioning request: everything the ScaledObject depends on, and nothing else.</summary>
/// <param name="Target">The InferenceSet; the ScaledObject takes its name and namespace.</param>
/// <param name="Uid">The InferenceSet's uid, for the owner reference.</param>
/// <param name="MinReplicas">At least 1.</param>
/// <param name="MaxReplicas">At least <paramref name="MinReplicas"/>.</param>
/// <param name="Scaling">The simple or the composite form.</param>
internal sealed record ProvisioningSpec(ObjectKey Target, string? Uid, int MinReplicas, int MaxReplicas, ScalingRule Scaling);
