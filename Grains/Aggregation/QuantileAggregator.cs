using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// <c>quantile</c>: a quantile of a histogram over the window, e.g. p95 of <c>vllm:time_to_first_token_seconds</c>
/// over 5 minutes; what <c>histogram_quantile(q, sum by (le) (rate(x_bucket[w])))</c> gives in PromQL. Each bucket's
/// reset-aware increase is taken per endpoint, added up per bound over endpoints, then interpolated
/// (<see cref="HistogramQuantile"/>). No observations in the window reads 0, as for <c>windowed-avg</c>.
/// </summary>
public sealed class QuantileAggregator : IAggregator
{
    /// <inheritdoc />
    public MetricAnswer Aggregate(AggregationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Freshness.TryGetNewest(context, out var newest, out var unavailable)
            || !WindowSelection.TrySelect(context, newest, out var rounds, out unavailable, buckets: true))
        {
            return unavailable;
        }

        var increases = new SortedDictionary<double, double>();
        foreach (var samples in WindowSelection.ByEndpoint(rounds).Values)
        {
            var bounds = samples.SelectMany(s => s.Value.Histogram?.Buckets ?? []).Select(b => b.UpperBound).Distinct();
            foreach (var bound in bounds)
            {
                var counts = samples.Select(s => s.Value.Histogram?.Buckets.FirstOrDefault(b => b.UpperBound == bound).Count ?? 0);
                increases[bound] = increases.GetValueOrDefault(bound) + CounterIncrease.Of(counts);
            }
        }

        if (increases.Count == 0)
        {
            return MetricAnswer.Unavailable($"'{context.Family}' has no histogram buckets at any endpoint of InferenceSet {context.InferenceSet.Key}");
        }

        var value = HistogramQuantile.Compute(increases.Select(b => (b.Key, b.Value)).ToList(), context.Query.Quantile, out var reason);
        return value is { } v
            ? Freshness.Finite(context, v, string.Create(CultureInfo.InvariantCulture, $"p{context.Query.Quantile * 100:0.##}"))
            : MetricAnswer.Unavailable($"'{context.Family}' for InferenceSet {context.InferenceSet.Key}: {reason}");
    }
}
