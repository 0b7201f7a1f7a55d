using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Aggregation;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Windows;

/// <summary>
/// One scrape target of an InferenceSet: a profile (source, protocol, port, path, timeout), the families
/// triggers have asked for through it, and its window. Triggers that share a profile share its scrapes.
/// </summary>
public sealed class ScrapeTarget(ScrapeProfile profile)
{
    private readonly Dictionary<string, Registration> _families = new(StringComparer.Ordinal);
    private FamilySelection _selection = FamilySelection.Of([]);
    private IReadOnlySet<string> _familyNames = new HashSet<string>(StringComparer.Ordinal);
    private IReadOnlySet<string> _bucketFamilies = new HashSet<string>(StringComparer.Ordinal);

    public ScrapeProfile Profile { get; } = profile;

    public SampleWindow Window { get; } = new();

    /// <summary>The families to extract on the next scrape.</summary>
    public FamilySelection Selection => _selection;

    /// <summary>The families to extract on the next scrape, as a set shared by the rounds it produces.</summary>
    public IReadOnlySet<string> FamilyNames => _familyNames;

    /// <summary>The families whose histogram buckets the next scrape keeps (those a <c>quantile</c> trigger reads), shared likewise.</summary>
    public IReadOnlySet<string> BucketFamilies => _bucketFamilies;

    /// <summary>True while a scrape of this target is under way, so ticks and registrations never overlap one.</summary>
    public bool ScrapeInFlight { get; set; }

    /// <summary>A family was registered while a scrape was in flight: scrape again as soon as it ends.</summary>
    public bool RescrapeRequested { get; set; }

    /// <summary>When the last round was stamped, by the wall clock and by the monotonic clock (to tell a clock step).</summary>
    internal (DateTimeOffset Wall, long Timestamp)? LastStamp { get; set; }

    /// <summary>
    /// The wall-clock step that restarted the window since this was last taken, if any (positive: forward). The next
    /// copy written must then be the whole window, not an appended round: the copy's rounds were stamped before the
    /// step. Cleared by taking it.
    /// </summary>
    public TimeSpan? TakeClockStep()
    {
        var step = ClockStep;
        ClockStep = null;
        return step;
    }

    internal TimeSpan? ClockStep { get; set; }

    public bool IsEmpty => _families.Count == 0;

    /// <summary>
    /// Notes that a trigger asked; returns true when the next scrape must extract more than the last: the family is
    /// new to this target, or its buckets are newly needed (scrape it now).
    /// </summary>
    public bool Register(MetricQuery query, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(query);
        var history = Aggregators.HistoryNeeded(query);
        var buckets = Aggregators.ReadsBuckets(query);
        if (_families.TryGetValue(query.MetricName, out var existing))
        {
            _families[query.MetricName] = new Registration(
                now > existing.LastAsked ? now : existing.LastAsked,
                history > existing.History ? history : existing.History,
                existing.Buckets || buckets);
            if (!buckets || existing.Buckets)
            {
                return false;
            }
        }
        else
        {
            _families[query.MetricName] = new Registration(now, history, buckets);
        }

        RebuildSelection();
        return true;
    }

    /// <summary>
    /// Forgets families nobody asked about for <paramref name="ttl"/>, never sooner than their own window.
    /// Returns the names forgotten.
    /// </summary>
    public IReadOnlyList<string> ForgetIdle(DateTimeOffset now, TimeSpan ttl)
    {
        var idle = _families
            .Where(f => now - f.Value.LastAsked > (f.Value.History > ttl ? f.Value.History : ttl))
            .Select(f => f.Key)
            .ToList();
        foreach (var name in idle)
        {
            _families.Remove(name);
        }

        if (idle.Count > 0)
        {
            RebuildSelection();
        }

        return idle;
    }

    /// <summary>How long rounds are kept: the longest window asked for, plus slack for one late scrape.</summary>
    public TimeSpan Retention(TimeSpan interval)
    {
        var longest = TimeSpan.Zero;
        foreach (var registration in _families.Values)
        {
            longest = registration.History > longest ? registration.History : longest;
        }

        return longest == TimeSpan.Zero ? TimeSpan.Zero : longest + interval;
    }

    private void RebuildSelection()
    {
        var buckets = _families.Where(f => f.Value.Buckets).Select(f => f.Key).ToArray();
        _selection = FamilySelection.Of(_families.Keys, buckets);
        _familyNames = _families.Keys.ToHashSet(StringComparer.Ordinal);
        _bucketFamilies = buckets.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>When a trigger last asked, the longest window asked for, and whether any reads buckets; a family keeps the widest until it is forgotten.</summary>
    private readonly record struct Registration(DateTimeOffset LastAsked, TimeSpan History, bool Buckets);
}
