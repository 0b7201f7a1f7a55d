using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Hosting;

/// <summary>Where the KEDA gRPC gateway listens (configuration section <c>Gateway</c>).</summary>
public sealed class ListenOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The gRPC port KEDA calls (<c>--grpc-port</c>); 10450 as the Go scaler. 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 10450;

    /// <summary>The HTTP port for <c>/metrics</c>, <c>/inferencesets</c>, <c>/api/inferencesets</c> and <c>/dashboard</c> (<c>--metrics-port</c>); 10451 as the Go scaler's metrics port. 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; } = 10451;

    /// <summary>
    /// The gRPC health port (<c>--health-port</c>); 10452 as the Go chart's <c>grpcHealth</c>. It serves
    /// <c>grpc.health.v1.Health</c> over HTTP/2 for kubelet's gRPC probes (services <c>liveness</c> and <c>readiness</c>).
    /// 0 picks a free port.
    /// </summary>
    [Range(0, 65535)]
    public int HealthPort { get; set; } = 10452;

    /// <summary>The address to bind (<c>--listen</c>). Standalone mode serves plaintext, so it defaults to loopback.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ListenAddress { get; set; } = "127.0.0.1";
}
