namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>The metric families a parse should extract; everything else is skipped (the parser still rejects malformed lines).</summary>
public sealed class FamilySelection
{
    private FamilySelection(string[] names, bool all)
    {
        Names = names;
        IsAll = all;
        Utf8Names = names.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
    }

    /// <summary>Every family (validation runs, e.g. conformance tests).</summary>
    public static FamilySelection All { get; } = new(Array.Empty<string>(), all: true);

    /// <summary>The requested family names (as triggers spell them).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>True for <see cref="All"/>.</summary>
    public bool IsAll { get; }

    /// <summary>The names as UTF-8, computed once per selection (a target reuses its selection every scrape).</summary>
    internal byte[][] Utf8Names { get; }

    public static FamilySelection Of(IEnumerable<string> names) =>
        new(names.Distinct(StringComparer.Ordinal).ToArray(), all: false);
}
