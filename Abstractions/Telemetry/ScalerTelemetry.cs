using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansKaitoScaler.Abstractions.Telemetry;

/// <summary>
/// The scaler's own OpenTelemetry signals: one meter and one activity source, named <c>OrleansKaitoScaler</c>.
/// Instruments are created from the host's <see cref="IMeterFactory"/> so tests can observe them in isolation.
/// </summary>
public sealed class ScalerTelemetry
{
    public const string Name = "OrleansKaitoScaler";

    /// <summary>Spans: the KEDA call in the gateway, the grain's answer, each endpoint scrape.</summary>
    public static ActivitySource Source { get; } = new(Name);

    public ScalerTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(Name);
        Scrapes = meter.CreateCounter<long>("oks.scrapes", "{scrape}", "Endpoint scrapes, by outcome (ok or the error reason).");
        ScrapeDuration = meter.CreateHistogram<double>("oks.scrape.duration", "s", "Time to scrape and parse one endpoint.");
        ScrapeBytes = meter.CreateCounter<long>("oks.scrape.bytes", "By", "Response bytes read from endpoints.");
        KedaCalls = meter.CreateCounter<long>("oks.keda.calls", "{call}", "KEDA externalscaler calls, by method and gRPC status.");
        KedaCallDuration = meter.CreateHistogram(
            "oks.keda.call.duration",
            "s",
            "Time to answer a unary KEDA externalscaler call, from its arrival at the service to its answer, by method and gRPC status.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = KedaCallBuckets });
        Meter = meter;
    }

    public Meter Meter { get; }

    public Counter<long> Scrapes { get; }

    public Histogram<double> ScrapeDuration { get; }

    public Counter<long> ScrapeBytes { get; }

    public Counter<long> KedaCalls { get; }

    /// <summary>Bounds of <see cref="KedaCallDuration"/>, seconds: fine below 10 ms, where a KEDA call should answer.</summary>
    public static IReadOnlyList<double> KedaCallBuckets { get; } = [0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    public Histogram<double> KedaCallDuration { get; }

    /// <summary>Records one KEDA call's outcome.</summary>
    public void KedaCall(string method, string status) =>
        KedaCalls.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", status));

    /// <summary>Records one unary KEDA call's outcome and how long it took.</summary>
    public void KedaCall(string method, string status, TimeSpan duration)
    {
        KedaCall(method, status);
        KedaCallDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", status));
    }
}
