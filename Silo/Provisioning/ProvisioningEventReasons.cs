namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>The <c>reason</c> of the Kubernetes Events auto-provisioning records on an InferenceSet.</summary>
internal static class ProvisioningEventReasons
{
    /// <summary>
    /// Warning: the replica bounds are unusable (a bad <c>min-replicas</c>/<c>max-replicas</c>, neither
    /// <c>max-replicas</c> nor <c>spec.nodeCountLimit</c>, or a maximum below the minimum). The Go scaler's reason.
    /// </summary>
    public const string InvalidReplicaRange = "InvalidReplicaRange";

    /// <summary>Warning: the metrics, threshold or tuning annotations are invalid. The Go scaler's reason.</summary>
    public const string InvalidConfig = "InvalidConfig";

    /// <summary>Normal: auto-provisioning was switched off and our ScaledObject deleted. The Go scaler's reason.</summary>
    public const string ScaledObjectCleanedUp = "ScaledObjectCleanedUp";

    /// <summary>Warning: a ScaledObject of the InferenceSet's name exists without our managed-by marker, so it is left alone.</summary>
    public const string ScaledObjectNotManaged = "ScaledObjectNotManaged";
}
