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

    /// <summary>
    /// From the request's start to the response's headers: the replica had read its counters by then, and nothing
    /// after it (reading and parsing the body, a busy thread pool resuming us) says anything about when it did.
    /// Samples are timed by it. Equals <see cref="Latency"/> when unknown.
    /// </summary>
    public TimeSpan AnsweredAfter { get; init; }

    public static EndpointScrape Success(string endpoint, IReadOnlyDictionary<string, FamilyValue> families, TimeSpan latency, long bytes, TimeSpan? answeredAfter = null) =>
        new(endpoint, families, null, null, latency, bytes) { AnsweredAfter = answeredAfter ?? latency };

    public static EndpointScrape Failure(string endpoint, ScrapeErrorReason reason, string error, TimeSpan latency, long bytes = 0) =>
        new(endpoint, null, reason, error, latency, bytes) { AnsweredAfter = latency };
}
