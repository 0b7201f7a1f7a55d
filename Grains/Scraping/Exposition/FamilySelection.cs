namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>The metric families a parse should extract; everything else is skipped (the parser still rejects malformed lines).</summary>
public sealed class FamilySelection
{
    private readonly bool[] _buckets;

    private FamilySelection(string[] names, bool all, ISet<string>? withBuckets)
    {
        Names = names;
        IsAll = all;
        Utf8Names = names.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        _buckets = names.Select(n => withBuckets is null || withBuckets.Contains(n)).ToArray();
    }

    /// <summary>Every family (validation runs, e.g. conformance tests).</summary>
    public static FamilySelection All { get; } = new(Array.Empty<string>(), all: true, withBuckets: null);

    /// <summary>The requested family names (as triggers spell them).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>True for <see cref="All"/>.</summary>
    public bool IsAll { get; }

    /// <summary>The names as UTF-8, computed once per selection (a target reuses its selection every scrape).</summary>
    internal byte[][] Utf8Names { get; }

    /// <summary>
    /// Whether requested family <paramref name="family"/> (an index into <see cref="Names"/>) keeps its histogram
    /// buckets. Without them a histogram is still recognised and its <c>_sum</c> and <c>_count</c> are kept; only
    /// <c>quantile</c> reads buckets, and they are most of a histogram's size.
    /// </summary>
    internal bool KeepsBuckets(int family) => _buckets[family];

    /// <summary>The families <paramref name="names"/>, each with its histogram buckets.</summary>
    public static FamilySelection Of(IEnumerable<string> names) =>
        new(names.Distinct(StringComparer.Ordinal).ToArray(), all: false, withBuckets: null);

    /// <summary>The families <paramref name="names"/>; only those in <paramref name="withBuckets"/> keep their histogram buckets.</summary>
    public static FamilySelection Of(IEnumerable<string> names, IEnumerable<string> withBuckets)
    {
        ArgumentNullException.ThrowIfNull(withBuckets);
        return new(names.Distinct(StringComparer.Ordinal).ToArray(), all: false, withBuckets.ToHashSet(StringComparer.Ordinal));
    }
}
