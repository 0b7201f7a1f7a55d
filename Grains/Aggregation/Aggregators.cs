using OrleansKaitoScaler.Abstractions.Scaling;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>The aggregator for each <see cref="AggregationKind"/>; all are stateless and shared.</summary>
public static class Aggregators
{
    private static readonly SumAggregator s_sum = new();
    private static readonly ServiceAverageAggregator s_serviceAverage = new();
    private static readonly WindowedAverageAggregator s_windowedAverage = new();
    private static readonly ReadinessGate s_gate = new();
    private static readonly RateAggregator s_rate = new();
    private static readonly MaxAggregator s_max = new();
    private static readonly QuantileAggregator s_quantile = new();

    public static IAggregator For(AggregationKind aggregation) => aggregation switch
    {
        AggregationKind.Sum => s_sum,
        AggregationKind.ServiceAverage => s_serviceAverage,
        AggregationKind.WindowedAverage => s_windowedAverage,
        AggregationKind.Gate => s_gate,
        AggregationKind.Rate => s_rate,
        AggregationKind.Max => s_max,
        AggregationKind.Quantile => s_quantile,
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "unknown aggregation"),
    };

    /// <summary>True when the aggregation reads scraped samples (all but the gate).</summary>
    public static bool Scrapes(AggregationKind aggregation) => aggregation != AggregationKind.Gate;

    /// <summary>True when the query reads histogram buckets (<c>quantile</c>); every other aggregation reads a value, or a histogram's sum and count.</summary>
    public static bool ReadsBuckets(MetricQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Aggregation == AggregationKind.Quantile;
    }

    /// <summary>How much history a query needs kept: its window for <c>windowed-avg</c>, <c>rate</c> and <c>quantile</c>, else only the newest round.</summary>
    public static TimeSpan HistoryNeeded(MetricQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Aggregation is AggregationKind.WindowedAverage or AggregationKind.Rate or AggregationKind.Quantile ? query.CacheWindow : TimeSpan.Zero;
    }
}
