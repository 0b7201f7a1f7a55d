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

    /// <summary>
    /// The families whose histogram buckets this round kept; null when every family kept them (a round built before
    /// buckets were chosen, e.g. restored from an older copy).
    /// </summary>
    public IReadOnlySet<string>? BucketFamilies { get; init; }

    /// <summary>True when the family was asked for with its buckets, so a histogram without them here has none.</summary>
    public bool CoversBuckets(string family) => Covers(family) && (BucketFamilies is null || BucketFamilies.Contains(family));

    public int SucceededCount => Endpoints.Count(e => e.Succeeded);
}
