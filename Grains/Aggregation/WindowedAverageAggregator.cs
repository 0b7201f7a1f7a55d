using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>windowed-avg</c>: the mean observation of a histogram over the window, <c>Δsum / Δcount</c> between
/// the oldest and newest sample inside it, e.g. mean time-to-first-token over the last 5 minutes.
/// </summary>
/// <remarks>
/// Growth is taken per endpoint over its own successful samples, reset-aware (<see cref="CounterIncrease"/>: a
/// restarted replica's new values are growth since 0), then added up; so a replica that missed a scrape, joined
/// mid-window or restarted neither vanishes from, jumps into, nor subtracts from the totals.
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

        double deltaSum = 0, deltaCount = 0;
        foreach (var samples in WindowSelection.ByEndpoint(rounds).Values)
        {
            var histograms = samples.Select(s => s.Value.Histogram).OfType<Scraping.Exposition.HistogramValue>().ToList();
            deltaSum += CounterIncrease.Of(histograms.Select(h => h.Sum));
            deltaCount += CounterIncrease.Of(histograms.Select(h => h.Count));
        }

        // No observations in the window means an idle model: 0. Δsum can only be negative for negative
        // observations, which a latency histogram never has; read it as 0 rather than as a negative latency.
        if (deltaCount <= 0 || deltaSum < 0)
        {
            return MetricAnswer.Of(0);
        }

        return Freshness.Finite(context, deltaSum / deltaCount, "windowed average");
    }
}
