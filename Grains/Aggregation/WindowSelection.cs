using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// The rounds a windowed aggregation reads: those inside the query's window ending at the newest round, and after
/// the last gap between two of them longer than the staleness bound (a silo lost, a scrape timer stalled: what
/// happened in such a gap is not known, e.g. a restart, so nothing is computed across it). Until they are at least 2
/// and span 80% of the window the answer is "warming up", so a half-filled window never passes for a full one (the
/// Go scaler's rule).
/// </summary>
internal static class WindowSelection
{
    /// <summary>The retained span must cover this share of the window.</summary>
    public const double WarmUpShare = 0.8;

    /// <summary>
    /// The rounds to compute from, or false and the "warming up" answer. With <paramref name="buckets"/>, only rounds
    /// that kept the family's histogram buckets (<c>quantile</c>): a round from before a trigger asked for them has a
    /// histogram without buckets, which is not a histogram with empty ones.
    /// </summary>
    public static bool TrySelect(AggregationContext context, ScrapeRound newest, out IReadOnlyList<FamilyRound> rounds, out MetricAnswer unavailable, bool buckets = false)
    {
        var window = context.Query.CacheWindow;
        var from = newest.At - window;
        var selected = context.Window.Samples(context.Family, from, buckets, Absent);
        var gap = TimeSpan.Zero;
        for (var i = selected.Count - 1; i > 0; i--)
        {
            if (selected[i].At - selected[i - 1].At > context.StaleAfter)
            {
                gap = selected[i].At - selected[i - 1].At;
                selected.RemoveRange(0, i);
                break;
            }
        }

        var span = selected.Count == 0 ? TimeSpan.Zero : selected[^1].At - selected[0].At;
        if (selected.Count < 2 || span < window * WarmUpShare)
        {
            rounds = [];
            var afterGap = gap > TimeSpan.Zero
                ? string.Create(CultureInfo.InvariantCulture, $" since a {gap.TotalSeconds:0.#}s gap in its samples (bound {context.StaleAfter.TotalSeconds:0.#}s)")
                : "";
            unavailable = MetricAnswer.Unavailable(string.Create(
                CultureInfo.InvariantCulture,
                $"warming up: the window of '{context.Family}' for InferenceSet {context.InferenceSet.Key} holds {selected.Count} sample(s) over {span.TotalSeconds:0.#}s{afterGap}; it needs 2 over at least {(window * WarmUpShare).TotalSeconds:0.#}s"));
            return false;
        }

        rounds = selected;
        unavailable = default;
        return true;
    }

    /// <summary>
    /// Each endpoint's successful samples of the family in time order (a scraped endpoint lacking the family reads 0,
    /// as everywhere else: vLLM creates some series only at the first request). A sample is timed when its response
    /// began to arrive (the round's start plus <see cref="Scraping.EndpointScrape.AnsweredAfter"/>), not when the
    /// round started nor when the body was parsed: the replica reads its counters between the two, after a request
    /// that left late (a new connection after a hand-over, a dropped SYN) and before a late resumption of ours (a busy
    /// thread pool). Either end, used instead, moved a 12 s rate by up to 10% on a loaded machine.
    /// </summary>
    public static Dictionary<string, List<(DateTimeOffset At, Scraping.Exposition.FamilyValue Value)>> ByEndpoint(IReadOnlyList<FamilyRound> rounds)
    {
        var series = new Dictionary<string, List<(DateTimeOffset, Scraping.Exposition.FamilyValue)>>(StringComparer.Ordinal);
        foreach (var round in rounds)
        {
            foreach (var sample in round.Samples)
            {
                if (!series.TryGetValue(sample.Endpoint, out var samples))
                {
                    samples = [];
                    series.Add(sample.Endpoint, samples);
                }

                samples.Add((round.At + sample.AnsweredAfter, sample.Value));
            }
        }

        return series;
    }

    private static readonly Scraping.Exposition.FamilyValue Absent = new(0, null);
}
