using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>rate</c>: a counter's per-second growth over the window, summed over endpoints, e.g.
/// <c>vllm:generation_tokens_total</c> → tokens/s for the InferenceSet. Each endpoint's rate is its
/// reset-aware increase (<see cref="CounterIncrease"/>) over the time between its own first and last sample in
/// the window, so a restarted replica neither vanishes nor goes negative; an endpoint with one sample adds nothing.
/// </summary>
public sealed class RateAggregator : IAggregator
{
    /// <inheritdoc />
    public MetricAnswer Aggregate(AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Freshness.TryGetNewest(context, out var newest, out var unavailable)
            || !WindowSelection.TrySelect(context, newest, out var rounds, out unavailable))
        {
            return unavailable;
        }

        double total = 0;
        foreach (var samples in WindowSelection.ByEndpoint(rounds).Values)
        {
            var seconds = (samples[^1].At - samples[0].At).TotalSeconds;
            if (samples.Count >= 2 && seconds > 0)
            {
                total += CounterIncrease.Of(samples.Select(s => s.Value.Value)) / seconds;
            }
        }

        return Freshness.Finite(context, total, "rate");
    }
}
