using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Abstractions.Telemetry;

namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>Adds KEDA's external-scaler gRPC service to a host that also runs (or is a client of) the Orleans cluster.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>The fully qualified gRPC service name, as health checks and KEDA address it.</summary>
    public const string ServiceName = "externalscaler.ExternalScaler";

    /// <summary>The gRPC health service for liveness probes (the Go chart's name): serving while the process runs.</summary>
    public const string LivenessService = "liveness";

    /// <summary>The gRPC health service for readiness probes (the Go chart's name): every check, including those tagged <see cref="ReadinessTag"/>.</summary>
    public const string ReadinessService = "readiness";

    /// <summary>Health checks with this tag gate readiness (and the KEDA service's health) but not liveness.</summary>
    public const string ReadinessTag = "ready";

    /// <summary>
    /// gRPC, the standard <c>grpc.health.v1.Health</c> service (fed by ASP.NET Core health checks, serving while
    /// the host runs; answers for <c>""</c> and <see cref="ServiceName"/>) and what the scaler service needs.
    /// Call <see cref="MapKedaGateway"/> on the app.
    /// </summary>
    public static IServiceCollection AddKedaGateway(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGrpc(o => o.Interceptors.Add<KedaCallInterceptor>());
        services.TryAddSingleton<ScalerTelemetry>();
        services.AddGrpcHealthChecks(o =>
            {
                o.Services.Map(ServiceName, _ => true);
                o.Services.Map(ReadinessService, _ => true);
                o.Services.Map(LivenessService, r => !r.Tags.Contains(ReadinessTag));
            })
            .AddCheck<LifetimeHealthCheck>(LifetimeHealthCheck.Name);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ActivityStreamOptions>()
            .Validate(
                o => o.RenewEvery > TimeSpan.Zero && o.RenewEvery < ActivitySubscription.Lifetime,
                $"the activity-stream renewal interval must be positive and shorter than the subscription lifetime ({ActivitySubscription.Lifetime})")
            .Validate(o => o.UnsubscribeTimeout > TimeSpan.Zero, "the activity-stream unsubscribe timeout must be positive")
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Maps <c>externalscaler.ExternalScaler</c> and the gRPC health service on every endpoint the host listens
    /// on, which must speak HTTP/2; a probe on the health port (SPEC.md §7: 10452) finds it once the host listens there too.
    /// </summary>
    public static IEndpointRouteBuilder MapKedaGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<ExternalScalerService>();
        endpoints.MapGrpcHealthChecksService();
        return endpoints;
    }
}
