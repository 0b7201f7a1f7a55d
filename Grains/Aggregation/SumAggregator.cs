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

        var tally = EndpointTally.Of(newest, context.Family);
        if (tally.HistogramOnly)
        {
            return MetricAnswer.Unavailable(
                $"'{context.Family}' is a histogram: sum needs a gauge or counter (use aggregation windowed-avg)");
        }

        var total = tally.Total;
        if (tally.Failed > 0 && tally.Average < context.Query.Threshold)
        {
            total += tally.Failed * context.Query.Threshold;
        }

        return Freshness.Finite(context, total, "sum");
    }
}
