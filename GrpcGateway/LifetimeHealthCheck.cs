using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>
/// Healthy from the moment the host has started (the silo is up before Kestrel takes calls) until it begins
/// stopping; during shutdown the gRPC health service then says <c>NOT_SERVING</c>, so probes and load
/// balancers stop sending KEDA here while open streams are being ended.
/// </summary>
internal sealed class LifetimeHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "keda-gateway";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("the scaler is shutting down")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the scaler is starting"));
}
