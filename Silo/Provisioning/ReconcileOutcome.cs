namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>What one reconcile of an InferenceSet did; the metric <c>oks.provisioner.reconciles</c> counts them by this name.</summary>
internal enum ReconcileOutcome
{
    /// <summary>The InferenceSet is gone (its ScaledObject goes with it through the owner reference) or nothing is to be done.</summary>
    Nothing,

    /// <summary>The ScaledObject was created.</summary>
    Created,

    /// <summary>Our ScaledObject differed from the annotations and was updated.</summary>
    Updated,

    /// <summary>Our ScaledObject is already as the annotations ask.</summary>
    Unchanged,

    /// <summary>Auto-provisioning is off and our ScaledObject was deleted.</summary>
    Deleted,

    /// <summary>The annotations are invalid: a Warning Event, nothing written.</summary>
    Invalid,

    /// <summary>A ScaledObject of that name exists without our marker: a Warning Event, left alone.</summary>
    NotManaged,

    /// <summary>Our ScaledObject is being deleted (its old owner went away); look again after a backoff.</summary>
    Terminating,
}
