using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>Everything an aggregator may look at to answer one query.</summary>
/// <param name="Query">The trigger's question.</param>
/// <param name="Window">The target's samples.</param>
/// <param name="InferenceSet">The InferenceSet as the inventory sees it now.</param>
/// <param name="Now">The current time.</param>
/// <param name="StaleAfter">A newest sample older than this is stale.</param>
public sealed record AggregationContext(
    MetricQuery Query,
    SampleWindow Window,
    InferenceSetSnapshot InferenceSet,
    DateTimeOffset Now,
    TimeSpan StaleAfter)
{
    public string Family => Query.MetricName;
}
