namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// PromQL's <c>histogram_quantile</c> over cumulative buckets: find the bucket holding rank q·total and
/// interpolate linearly inside it (the first bucket starts at 0 unless its bound is ≤ 0; a rank in the +Inf
/// bucket answers the highest finite bound).
/// </summary>
internal static class HistogramQuantile
{
    /// <summary>The quantile, or null with a reason when the buckets cannot give one.</summary>
    public static double? Compute(IReadOnlyList<(double UpperBound, double Count)> buckets, double q, out string? reason)
    {
        reason = null;
        if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].UpperBound))
        {
            reason = "the histogram has no +Inf bucket";
            return null;
        }

        if (buckets.Count < 2)
        {
            reason = "the histogram has only the +Inf bucket, so it has no bounds to interpolate between";
            return null;
        }

        var total = buckets[^1].Count;
        if (total <= 0)
        {
            return 0;
        }

        var rank = q * total;
        var index = 0;
        while (index < buckets.Count - 1 && buckets[index].Count < rank)
        {
            index++;
        }

        if (index == buckets.Count - 1)
        {
            return buckets[^2].UpperBound;
        }

        var (upper, count) = buckets[index];
        if (index == 0 && upper <= 0)
        {
            return upper;
        }

        var (lower, below) = index == 0 ? (0.0, 0.0) : buckets[index - 1];
        var inBucket = count - below;
        return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below) / inBucket);
    }
}
