using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansKaitoScaler.Abstractions.Telemetry;

namespace OrleansKaitoScaler.Silo.Telemetry;

/// <summary>OpenTelemetry for the scaler and Orleans: Prometheus <c>/metrics</c> always, OTLP when configured.</summary>
internal static class TelemetryHostingExtensions
{
    public static WebApplicationBuilder AddScalerTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = options.OtlpEndpoint
            ?? (Uri.TryCreate(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : null);
        builder.Services.AddSingleton<ScalerGauges>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleans-kaito-scaler"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ScalerTelemetry.Name, "Microsoft.Orleans").AddPrometheusExporter();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(ScalerTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        return builder;
    }
}
