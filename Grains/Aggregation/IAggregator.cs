using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>Turns a window of samples into the one value KEDA receives, or says why there is none.</summary>
public interface IAggregator
{
    /// <summary>Answers the query; expected "no data" conditions are <see cref="ScalerOutcome.Unavailable"/>, never exceptions.</summary>
    MetricAnswer Aggregate(AggregationContext context);
}
