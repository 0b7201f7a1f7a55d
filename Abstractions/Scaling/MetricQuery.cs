namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>One trigger's question to an InferenceSet grain: which family, aggregated how, against which threshold.</summary>
/// <param name="Profile">How the family is scraped.</param>
/// <param name="MetricName">The metric family, e.g. <c>vllm:num_requests_waiting</c>.</param>
/// <param name="Aggregation">How samples become one value.</param>
/// <param name="Threshold">The per-replica target (HPA <c>AverageValue</c>); also used by the <c>sum</c> compensation rule.</param>
/// <param name="CacheWindow">The sliding window <c>windowed-avg</c>, <c>rate</c> and <c>quantile</c> look back over.</param>
/// <param name="Quantile">The quantile <c>quantile</c> computes, 0 &lt; q &lt; 1.</param>
[GenerateSerializer, Immutable]
public sealed record MetricQuery(
    [property: Id(0)] ScrapeProfile Profile,
    [property: Id(1)] string MetricName,
    [property: Id(2)] Aggregation Aggregation,
    [property: Id(3)] double Threshold,
    [property: Id(4)] TimeSpan CacheWindow,
    [property: Id(5)] double Quantile = MetricQuery.DefaultQuantile)
{
    /// <summary>The <c>quantile</c> metadata default: p95.</summary>
    public const double DefaultQuantile = 0.95;
}
