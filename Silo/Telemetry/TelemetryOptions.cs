namespace OrleansKaitoScaler.Silo.Telemetry;

/// <summary>OpenTelemetry export (configuration section <c>Telemetry</c>); Prometheus <c>/metrics</c> is always on.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>OTLP endpoint for traces and metrics (<c>--otlp-endpoint</c>, or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); unset means no OTLP export.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318; signal paths <c>/v1/traces</c>, <c>/v1/metrics</c> are added).</summary>
    public string OtlpProtocol { get; set; } = "grpc";
}
