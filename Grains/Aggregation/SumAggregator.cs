using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>sum</c>: the family's total over the InferenceSet's endpoints, for HPA's <c>AverageValue</c>
/// (<c>desired = ceil(total / threshold)</c>).
/// </summary>
/// <remarks>
/// A failed endpoint is compensated the way HPA treats a pod with no metrics: when the replicas that
/// answered are below target on average (scale-down direction), a missing one is assumed to be exactly
/// at target, so the outage cannot drive a scale-down; otherwise (scale-up direction) it is assumed idle
/// (0), so the outage cannot inflate a scale-up.
/// </remarks>
public sealed class SumAggregator : IAggregator
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
        foreach (var endpoint in newest.Endpoints)
        {
            if (!endpoint.Succeeded)
            {
                continue;
            }

            if (endpoint.Families!.TryGetValue(context.Family, out var value) && value.Histogram is not null && value.Value == 0)
            {
                return MetricAnswer.Unavailable(
                    $"'{context.Family}' is a histogram: sum needs a gauge or counter (use aggregation windowed-avg)");
            }

            total += Freshness.ScalarOrZero(endpoint, context.Family);
            succeeded++;
        }

        var failed = newest.Endpoints.Count - succeeded;
        if (failed > 0 && total / succeeded < context.Query.Threshold)
        {
            total += failed * context.Query.Threshold;
        }

        return Freshness.Finite(context, total, "sum");
    }
}
