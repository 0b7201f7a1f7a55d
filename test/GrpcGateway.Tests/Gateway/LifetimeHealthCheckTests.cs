using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Gateway;

public sealed class LifetimeHealthCheckTests
{
    [Fact]
    public async Task The_gateway_is_unhealthy_while_starting_healthy_once_started_and_unhealthy_again_while_stopping()
    {
        var lifetime = new StubLifetime();
        var check = new LifetimeHealthCheck(lifetime);

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
        await lifetime.Started.CancelAsync();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
        await lifetime.Stopping.CancelAsync();
        var stopping = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, stopping.Status);
        Assert.Contains("shutting down", stopping.Description, StringComparison.Ordinal);
    }

    private sealed class StubLifetime : IHostApplicationLifetime
    {
        public CancellationTokenSource Started { get; } = new();

        public CancellationTokenSource Stopping { get; } = new();

        public CancellationToken ApplicationStarted => Started.Token;

        public CancellationToken ApplicationStopping => Stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopping.Cancel();
    }
}
