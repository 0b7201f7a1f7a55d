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

        double total = 0;
        var succeeded = 0;
        var exposed = false;
        foreach (var endpoint in newest.Endpoints)
        {
            if (!endpoint.Succeeded)
            {
                continue;
            }

            exposed |= endpoint.Families!.ContainsKey(context.Family);
            total += Freshness.ScalarOrZero(endpoint, context.Family);
            succeeded++;
        }

        if (!exposed)
        {
            return MetricAnswer.Unavailable(
                $"no endpoint of InferenceSet {context.InferenceSet.Key} exposes '{context.Family}' ({succeeded} answered)");
        }

        return Freshness.Finite(context, total / succeeded, "average");
    }
}
