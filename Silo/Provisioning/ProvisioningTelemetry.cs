using System.Diagnostics.Metrics;
using OrleansKaitoScaler.Abstractions.Telemetry;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// The provisioner's metrics, on the scaler's meter (<c>OrleansKaitoScaler</c>, exported on <c>/metrics</c>):
/// reconciles by outcome, and whether this replica holds the Lease.
/// </summary>
internal sealed class ProvisioningTelemetry
{
    private readonly Counter<long> _reconciles;

    public ProvisioningTelemetry(IMeterFactory meters, LeaseLeadership leadership)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(leadership);
        var meter = meters.Create(ScalerTelemetry.Name);
        _reconciles = meter.CreateCounter<long>(
            "oks.provisioner.reconciles", "{reconcile}", "ScaledObject reconciles of InferenceSets, by outcome (created, updated, unchanged, deleted, invalid, notmanaged, nothing, terminating, failed).");
        meter.CreateObservableGauge(
            "oks.provisioner.leader", () => leadership.IsLeader ? 1 : 0, "{leader}", "1 while this replica holds the provisioning Lease, else 0.");
    }

    public void Reconciled(ReconcileOutcome outcome) =>
        _reconciles.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));

    public void Failed() => _reconciles.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
}
