using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansKaitoScaler.Abstractions.Telemetry;

namespace OrleansKaitoScaler.Silo.Telemetry;

/// <summary>OpenTelemetry for the scaler and Orleans: Prometheus <c>/metrics</c> always, OTLP when configured.</summary>
internal static class TelemetryHostingExtensions
{
    /// <summary>
    /// The activity sources traced: ours, and Orleans' grain-call sources, whose listeners are what makes Orleans carry
    /// a trace into the grain (with none listening its call filter starts no span and propagates nothing).
    /// </summary>
    public static readonly string[] TracedSources = [ScalerTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static WebApplicationBuilder AddScalerTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                TelemetryOptions.SectionName, typeof(TelemetryOptions), [$"Telemetry:OtlpProtocol '{options.OtlpProtocol}' must be grpc or http/protobuf"]);
        }

        var otlp = options.OtlpEndpoint
            ?? (Uri.TryCreate(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : null);
        builder.Services.AddSingleton<ScalerGauges>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleans-kaito-scaler"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ScalerTelemetry.Name, "Microsoft.Orleans", "System.Runtime").AddPrometheusExporter();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => Configure(o, otlp, options.OtlpProtocol, "v1/metrics"));
                }
            });
        if (otlp is not null)
        {
            // Spans are recorded only to be exported: without an OTLP endpoint nothing listens to our sources, so no
            // KEDA call or scrape builds activities that would be dropped (they were about a third of what a
            // GetMetrics call allocated, and so of its garbage collections).
            telemetry.WithTracing(tracing => tracing
                .AddSource(TracedSources)
                .AddOtlpExporter(o => Configure(o, otlp, options.OtlpProtocol, "v1/traces")));
        }

        return builder;
    }

    /// <summary>Over HTTP the exporter posts to the endpoint as given, so the signal's path is added here.</summary>
    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, string protocol, string signalPath)
    {
        if (string.Equals(protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = endpoint;
        }
    }
}
