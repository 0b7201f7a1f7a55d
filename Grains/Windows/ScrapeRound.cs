using OrleansKaitoScaler.Grains.Scraping;

namespace OrleansKaitoScaler.Grains.Windows;

/// <summary>
/// One scrape of every endpoint of a target, at one time. Holds only the families that were requested
/// then (<see cref="Families"/>), never whole bodies.
/// </summary>
public sealed record ScrapeRound(DateTimeOffset At, IReadOnlyList<EndpointScrape> Endpoints, IReadOnlySet<string> Families)
{
    /// <summary>True when the family was asked for in this round, so its absence from an endpoint means 0, not "not scraped".</summary>
    public bool Covers(string family) => Families.Contains(family);

    public int SucceededCount => Endpoints.Count(e => e.Succeeded);
}
