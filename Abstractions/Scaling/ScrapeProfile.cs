namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>
/// How the endpoints of an InferenceSet are scraped. Triggers that share a profile share one scrape,
/// so this is the identity of a scrape target within an InferenceSet grain.
/// </summary>
/// <param name="Source">The metric source (<c>modelpod</c>: one endpoint per Workspace service).</param>
/// <param name="Protocol"><c>http</c> or <c>https</c>.</param>
/// <param name="Port">Port scraped when the inventory gives none.</param>
/// <param name="Path">Request path, starting with <c>/</c>.</param>
/// <param name="Timeout">Per-endpoint scrape timeout.</param>
[GenerateSerializer, Immutable]
public sealed record ScrapeProfile(
    [property: Id(0)] string Source,
    [property: Id(1)] string Protocol,
    [property: Id(2)] int Port,
    [property: Id(3)] string Path,
    [property: Id(4)] TimeSpan Timeout)
{
    /// <summary>The Go scaler's defaults: <c>modelpod</c>, <c>http</c>, port 80, <c>/metrics</c>, 3 s.</summary>
    public static ScrapeProfile Default { get; } = new("modelpod", "http", 80, "/metrics", TimeSpan.FromSeconds(3));
}
