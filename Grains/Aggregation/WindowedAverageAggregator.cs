using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>windowed-avg</c>: the mean observation of a histogram over the window, <c>Δsum / Δcount</c> between
/// the oldest and newest sample inside it, e.g. mean time-to-first-token over the last 5 minutes.
/// </summary>
/// <remarks>
/// Deltas are taken per endpoint (its own oldest and newest successful sample) and then added up, so a
/// replica that missed one scrape, or joined mid-window, neither vanishes from nor jumps into the totals.
/// </remarks>
public sealed class WindowedAverageAggregator : IAggregator
{
    /// <summary>The retained span must cover this share of the window before the average is trusted.</summary>
    public const double WarmUpShare = 0.8;

    /// <inheritdoc />
    public MetricAnswer Aggregate(AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Freshness.TryGetNewest(context, out var newest, out var unavailable))
        {
            return unavailable;
        }

        var window = context.Query.CacheWindow;
        var rounds = context.Window.Covering(context.Family, newest.At - window).ToList();
        var span = newest.At - rounds[0].At;
        if (rounds.Count < 2 || span < window * WarmUpShare)
        {
            return MetricAnswer.Unavailable(string.Create(
                CultureInfo.InvariantCulture,
                $"warming up: the window of '{context.Family}' for InferenceSet {context.InferenceSet.Key} holds {rounds.Count} sample(s) over {span.TotalSeconds:0.#}s; it needs 2 over at least {(window * WarmUpShare).TotalSeconds:0.#}s"));
        }

        var first = new Dictionary<string, HistogramValue>(StringComparer.Ordinal);
        var last = new Dictionary<string, HistogramValue>(StringComparer.Ordinal);
        foreach (var round in rounds)
        {
            foreach (var endpoint in round.Endpoints)
            {
                if (endpoint.Succeeded && endpoint.Families!.TryGetValue(context.Family, out var value) && value.Histogram is { } histogram)
                {
                    first.TryAdd(endpoint.Endpoint, histogram);
                    last[endpoint.Endpoint] = histogram;
                }
            }
        }

        double deltaSum = 0, deltaCount = 0;
        foreach (var (endpoint, newestHistogram) in last)
        {
            deltaSum += newestHistogram.Sum - first[endpoint].Sum;
            deltaCount += newestHistogram.Count - first[endpoint].Count;
        }

        // No observations in the window means an idle model, and a negative Δsum means a counter reset
        // (a restarted replica): both read as 0 rather than as a spike or a negative latency.
        if (deltaCount <= 0 || deltaSum < 0)
        {
            return MetricAnswer.Of(0);
        }

        return Freshness.Finite(context, deltaSum / deltaCount, "windowed average");
    }
}
