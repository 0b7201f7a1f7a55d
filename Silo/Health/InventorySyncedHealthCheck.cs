using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Silo.Health;

/// <summary>
/// Not ready until the inventory's first full load (a list of InferenceSets and Workspaces, or the inventory file):
/// before it, the scaler cannot tell a missing InferenceSet from one it has not heard of yet.
/// </summary>
internal sealed class InventorySyncedHealthCheck(IInferenceSetInventory inventory) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "inventory";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(inventory.IsSynced
            ? HealthCheckResult.Healthy($"{inventory.All.Count} InferenceSets known")
            : HealthCheckResult.Unhealthy("the first list of InferenceSets has not completed"));
}
