using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>A ScaledObject trigger's metadata, parsed and validated (see SPEC.md §1).</summary>
/// <param name="InferenceSet">The InferenceSet the trigger scales.</param>
/// <param name="MetricName">The metric family named in metadata.</param>
/// <param name="Threshold">The per-replica target; 1 when not given and the aggregation allows that.</param>
/// <param name="Profile">How endpoints are scraped.</param>
/// <param name="Aggregation">How samples become one value.</param>
/// <param name="CacheWindow">The sliding window for <c>windowed-avg</c>, <c>rate</c> and <c>quantile</c>.</param>
/// <param name="Quantile">The quantile for <c>quantile</c>.</param>
public sealed record ScalerMetadata(
    InferenceSetKey InferenceSet,
    string MetricName,
    double Threshold,
    ScrapeProfile Profile,
    Aggregation Aggregation,
    TimeSpan CacheWindow,
    double Quantile = MetricQuery.DefaultQuantile)
{
    /// <summary>The grain query; <paramref name="metricNameOverride"/> is <c>GetMetricsRequest.metricName</c>, which wins when set.</summary>
    public MetricQuery ToQuery(string? metricNameOverride = null) =>
        new(Profile, string.IsNullOrEmpty(metricNameOverride) ? MetricName : metricNameOverride, Aggregation, Threshold, CacheWindow, Quantile);
}
