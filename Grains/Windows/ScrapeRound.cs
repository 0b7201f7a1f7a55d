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
    public bool CoversBuckets(string family) => Asked(Families, BucketFamilies, family, buckets: true);

    /// <summary><see cref="CoversBuckets"/> with <paramref name="buckets"/>, else <see cref="Covers(string)"/>.</summary>
    public bool Covers(string family, bool buckets) => Asked(Families, BucketFamilies, family, buckets);

    /// <summary>
    /// Whether a round that asked for <paramref name="families"/>, with buckets for <paramref name="bucketFamilies"/>
    /// (null: all), asked for <paramref name="family"/>, and with <paramref name="buckets"/> for its buckets too.
    /// </summary>
    internal static bool Asked(IReadOnlySet<string> families, IReadOnlySet<string>? bucketFamilies, string family, bool buckets) =>
        families.Contains(family) && (!buckets || bucketFamilies is null || bucketFamilies.Contains(family));

    public int SucceededCount => Endpoints.Count(e => e.Succeeded);
}
