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
    /// <inheritdoc />
    public MetricAnswer Aggregate(AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Freshness.TryGetNewest(context, out var newest, out var unavailable))
        {
            return unavailable;
        }

        if (!WindowSelection.TrySelect(context, newest, out var rounds, out unavailable))
        {
            return unavailable;
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
