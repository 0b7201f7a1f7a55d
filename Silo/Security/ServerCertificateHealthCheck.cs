using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>Not ready until the gRPC port has a server certificate: before it, every KEDA handshake would fail.</summary>
internal sealed class ServerCertificateHealthCheck(ServerCredentials credentials) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "server-certificate";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(credentials.ServerCertificate is { } certificate
            ? HealthCheckResult.Healthy($"serial {certificate.SerialNumber}, valid until {certificate.NotAfter.ToUniversalTime():o}")
            : HealthCheckResult.Unhealthy("the gRPC server certificate has not been loaded from its Secret yet"));
}
