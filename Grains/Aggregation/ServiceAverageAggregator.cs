using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>service-avg</c>: the family's mean over the endpoints that answered (a replica lacking the family
/// counts as 0). Failed endpoints are left out rather than guessed at.
/// </summary>
public sealed class ServiceAverageAggregator : IAggregator
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
        if (!tally.Exposed)
        {
            return MetricAnswer.Unavailable(
                $"no endpoint of InferenceSet {context.InferenceSet.Key} exposes '{context.Family}' ({tally.Succeeded} answered)");
        }

        return Freshness.Finite(context, tally.Average, "average");
    }
}
