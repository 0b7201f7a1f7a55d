using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>gate</c>: 1 when every desired replica is ready (<c>status.readyReplicas ≥ spec.replicas</c>, the
/// latter 1 when unset), else 0. Read from the inventory, never scraped: the composite formula uses it to
/// stop scaling up while a previous scale-up is still starting its GPUs.
/// </summary>
public sealed class ReadinessGate : IAggregator
{
    /// <inheritdoc />
    public MetricAnswer Aggregate(AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var desired = context.InferenceSet.Replicas ?? 1;
        var ready = context.InferenceSet.ReadyReplicas ?? 0;
        return MetricAnswer.Of(ready >= desired ? 1 : 0);
    }
}
