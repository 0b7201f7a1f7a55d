using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansKaitoScaler.Silo.Health;

/// <summary>Not ready until this silo is <c>Active</c> in the cluster's membership: before that it cannot host or reach grains.</summary>
internal sealed class SiloJoinedHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "silo";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {status}, not yet active in the cluster"));
    }
}
