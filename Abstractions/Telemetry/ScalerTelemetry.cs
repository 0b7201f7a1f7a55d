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
        Meter = meter;
    }

    public Meter Meter { get; }

    public Counter<long> Scrapes { get; }

    public Histogram<double> ScrapeDuration { get; }

    public Counter<long> ScrapeBytes { get; }

    public Counter<long> KedaCalls { get; }

    /// <summary>Records one KEDA call's outcome.</summary>
    public void KedaCall(string method, string status) =>
        KedaCalls.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", status));
}
