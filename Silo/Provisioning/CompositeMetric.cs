namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>One entry of <c>scaledobject.kaito.sh/metrics</c>, validated.</summary>
/// <param name="Name">The Prometheus metric name.</param>
/// <param name="Variable">Its formula variable and trigger name (see <see cref="FormulaVariable"/>).</param>
/// <param name="Kind">Gauge, histogram or counter; decides the default aggregation.</param>
/// <param name="Source">The metric source; only <c>modelpod</c> exists.</param>
/// <param name="UpThreshold">Scale up only above this (finite).</param>
/// <param name="DownThreshold">Scale down only below this (finite, ≤ <paramref name="UpThreshold"/>).</param>
/// <param name="CacheWindowSeconds">The window of a windowed aggregation; set for histograms and counters only.</param>
/// <param name="AggregationOverride">The entry's own <c>aggregation</c>, when it chose one its type allows.</param>
/// <param name="Quantile">The <c>quantile</c> of a <c>quantile</c> aggregation (0 &lt; q &lt; 1).</param>
internal sealed record CompositeMetric(
    string Name,
    string Variable,
    MetricKind Kind,
    string Source,
    double UpThreshold,
    double DownThreshold,
    int? CacheWindowSeconds,
    string? AggregationOverride = null,
    double? Quantile = null)
{
    /// <summary>The trigger's <c>aggregation</c>: the override, else the type's default.</summary>
    public string Aggregation => AggregationOverride ?? DefaultAggregation(Kind);

    /// <summary><c>service-avg</c> for a gauge, <c>windowed-avg</c> for a histogram, <c>rate</c> for a counter.</summary>
    public static string DefaultAggregation(MetricKind kind) => kind switch
    {
        MetricKind.Gauge => "service-avg",
        MetricKind.Histogram => "windowed-avg",
        _ => "rate",
    };

    /// <summary>The aggregations an entry of this type may choose; the first is the default.</summary>
    public static IReadOnlyList<string> AllowedAggregations(MetricKind kind) => kind switch
    {
        MetricKind.Gauge => ["service-avg", "max"],
        MetricKind.Histogram => ["windowed-avg", "quantile"],
        _ => ["rate"],
    };
}

/// <summary>The <c>type</c> of a composite metric.</summary>
internal enum MetricKind
{
    /// <summary>Averaged over the replicas now (<c>service-avg</c>).</summary>
    Gauge,

    /// <summary>Average observation over a window (<c>windowed-avg</c>), or a quantile of it (<c>quantile</c>).</summary>
    Histogram,

    /// <summary>Per-second growth over a window (<c>rate</c>), e.g. generated tokens per second.</summary>
    Counter,
}
