using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>The outcome of scraping one endpoint once: the requested families, or a recorded error.</summary>
public sealed record EndpointScrape(
    string Endpoint,
    IReadOnlyDictionary<string, FamilyValue>? Families,
    ScrapeErrorReason? ErrorReason,
    string? Error,
    TimeSpan Latency,
    long Bytes)
{
    public bool Succeeded => Families is not null;

    public static EndpointScrape Success(string endpoint, IReadOnlyDictionary<string, FamilyValue> families, TimeSpan latency, long bytes) =>
        new(endpoint, families, null, null, latency, bytes);

    public static EndpointScrape Failure(string endpoint, ScrapeErrorReason reason, string error, TimeSpan latency, long bytes = 0) =>
        new(endpoint, null, reason, error, latency, bytes);
}
