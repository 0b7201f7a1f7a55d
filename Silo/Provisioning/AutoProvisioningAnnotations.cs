namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>The <c>scaledobject.kaito.sh/*</c> annotation keys, spelled as the Go scaler reads and writes them.</summary>
internal static class AutoProvisioningAnnotations
{
    /// <summary>Every key below starts with this; a change to any of them is worth a reconcile.</summary>
    public const string Prefix = "scaledobject.kaito.sh/";

    /// <summary>On the InferenceSet: exactly <c>"true"</c> opts in.</summary>
    public const string AutoProvision = Prefix + "auto-provision";

    /// <summary>On the ScaledObject: marks it as written by us (value from <see cref="ProvisioningOptions.ManagedBy"/>).</summary>
    public const string ManagedBy = Prefix + "managed-by";

    public const string MinReplicas = Prefix + "min-replicas";
    public const string MaxReplicas = Prefix + "max-replicas";

    // Simple form (keda-kaito-scaler up to v0.5).
    public const string Threshold = Prefix + "threshold";
    public const string MetricName = Prefix + "metricName";

    // Composite form (keda-kaito-scaler v0.6).
    public const string Metrics = Prefix + "metrics";
    public const string CombinePolicy = Prefix + "combinepolicy";
    public const string EvaluationWindow = Prefix + "evaluationwindow";
    public const string ScaleUpCooldown = Prefix + "scaleupcooldown";
    public const string ScaleDownCooldown = Prefix + "scaledowncooldown";
}
