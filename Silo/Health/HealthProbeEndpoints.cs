using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansKaitoScaler.GrpcGateway;

namespace OrleansKaitoScaler.Silo.Health;

/// <summary>HTTP probes for kubelet <c>httpGet</c> (and people with curl): the same checks as the gRPC health services.</summary>
internal static class HealthProbeEndpoints
{
    /// <summary>
    /// <c>/healthz</c>: 200 while the process runs and is not stopping (liveness). <c>/readyz</c>: 200 only once the
    /// inventory has synced and the silo is active (readiness); 503 with the failing check otherwise.
    /// </summary>
    public static WebApplication MapHealthProbes(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = r => !r.Tags.Contains(GatewayHostingExtensions.ReadinessTag), ResponseWriter = WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { ResponseWriter = WriteAsync });
        return app;
    }

    /// <summary>A line per check, so a failing probe says why in <c>kubectl describe pod</c>.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}");
        return context.Response.WriteAsync($"{report.Status}\n{string.Join('\n', lines)}\n");
    }
}
