namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>What an InferenceSet's annotations ask of the provisioner: nothing, something invalid, or a ScaledObject.</summary>
internal abstract record AutoProvisioningResult
{
    private AutoProvisioningResult()
    {
    }

    /// <summary><c>scaledobject.kaito.sh/auto-provision</c> is absent or not exactly <c>"true"</c>.</summary>
    public sealed record NotRequested : AutoProvisioningResult
    {
        public static NotRequested Instance { get; } = new();
    }

    /// <summary>Requested but unusable: record a Warning Event with this reason and message, and write nothing.</summary>
    /// <param name="Reason">One of <see cref="ProvisioningEventReasons"/>.</param>
    /// <param name="Message">Names the annotation (and for <c>metrics</c>, the metric index and field).</param>
    public sealed record Invalid(string Reason, string Message) : AutoProvisioningResult;

    /// <summary>Requested and valid: render <paramref name="Spec"/> into the desired ScaledObject.</summary>
    public sealed record Requested(ProvisioningSpec Spec) : AutoProvisioningResult;
}
