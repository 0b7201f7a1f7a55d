using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.Grains.State;

namespace OrleansKaitoScaler.Silo.Telemetry;

/// <summary>The observed instruments: InferenceSet grains active on this silo, their window memory, and inventory sync lag.</summary>
internal sealed class ScalerGauges
{
    public ScalerGauges(ScalerTelemetry telemetry, InferenceSetStateRegistry registry, LocalInferenceSets local, IInferenceSetInventory inventory, TimeProvider time)
    {
        telemetry.Meter.CreateObservableUpDownCounter("oks.grains.active", () => local.Count, "{grain}", "InferenceSet grains active on this silo.");
        telemetry.Meter.CreateObservableGauge("oks.window.bytes", () => registry.WindowBytes, "By", "Approximate memory held by sliding windows on this silo.");
        telemetry.Meter.CreateObservableGauge(
            "oks.inventory.sync_lag",
            () => inventory.LastSyncedAt is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : double.NaN,
            "s",
            "Time since the inventory was last confirmed current.");
    }
}
