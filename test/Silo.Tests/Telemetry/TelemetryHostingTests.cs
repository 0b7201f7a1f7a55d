using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.Silo.Telemetry;

namespace OrleansKaitoScaler.Silo.Tests.Telemetry;

/// <summary>Spans are recorded only when an OTLP endpoint will receive them; metrics are always on <c>/metrics</c>.</summary>
public sealed class TelemetryHostingTests
{
    [Fact]
    public async Task Without_an_OTLP_endpoint_no_tracer_provider_is_registered()
    {
        await using var app = Build();
        await app.StartAsync();

        // No tracer provider, so nothing subscribes to our sources or Orleans' (an ActivitySource is process-wide, so
        // whether it has listeners is not asserted here: other tests of this assembly may listen meanwhile).
        Assert.Null(app.Services.GetService<TracerProvider>());
        await app.StopAsync();
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_our_spans_are_recorded_for_export()
    {
        await using var app = Build("--Telemetry:OtlpEndpoint", "http://127.0.0.1:4317");
        await app.StartAsync();

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        using var activity = ScalerTelemetry.Source.StartActivity("InferenceSet.GetMetric");
        Assert.NotNull(activity);
        Assert.True(activity.Recorded);
        await app.StopAsync();
    }

    private static WebApplication Build(params string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddScalerTelemetry();
        return builder.Build();
    }
}
