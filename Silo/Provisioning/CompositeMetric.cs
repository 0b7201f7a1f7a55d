namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>One entry of <c>scaledobject.kaito.sh/metrics</c>, validated.</summary>
/// <param name="Name">The Prometheus metric name.</param>
/// <param name="Variable">Its formula variable and trigger name (see <see cref="FormulaVariable"/>).</param>
/// <param name="Kind">Gauge or histogram; decides the aggregation.</param>
/// <param name="Source">The metric source; only <c>modelpod</c> exists.</param>
/// <param name="UpThreshold">Scale up only above this (finite).</param>
/// <param name="DownThreshold">Scale down only below this (finite, ≤ <paramref name="UpThreshold"/>).</param>
/// <param name="CacheWindowSeconds">The windowed average's window; set for histograms only.</param>
internal sealed record CompositeMetric(
    string Name,
    string Variable,
    MetricKind Kind,
    string Source,
    double UpThreshold,
    double DownThreshold,
    int? CacheWindowSeconds);

/// <summary>The <c>type</c> of a composite metric.</summary>
internal enum MetricKind
{
    /// <summary>Averaged over the replicas now (<c>service-avg</c>).</summary>
    Gauge,

    /// <summary>Average observation over a window (<c>windowed-avg</c>).</summary>
    Histogram,
}
