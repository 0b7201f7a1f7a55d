using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>max</c>: the largest value of a gauge over the endpoints that answered the newest scrape: the hottest
/// replica, e.g. <c>vllm:kv_cache_usage_perc</c>. A failed endpoint is left out (its load is unknown, and
/// guessing it could only hide or invent a hot replica); no endpoint answering, or none exposing the family,
/// is <c>Unavailable</c>.
/// </summary>
public sealed class MaxAggregator : IAggregator
{
    /// <inheritdoc />
    public MetricAnswer Aggregate(AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Freshness.TryGetNewest(context, out var newest, out var unavailable))
        {
            return unavailable;
        }

        var tally = EndpointTally.Of(newest, context.Family);
        return tally.Exposed
            ? Freshness.Finite(context, tally.Max, "maximum")
            : MetricAnswer.Unavailable($"no endpoint of InferenceSet {context.InferenceSet.Key} exposes '{context.Family}' ({tally.Succeeded} answered)");
    }
}
