namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>The trigger-metadata keys, spelled exactly as the Go keda-kaito-scaler reads them.</summary>
public static class MetadataKeys
{
    public const string InferenceSetName = "inferenceSetName";
    public const string InferenceSetNamespace = "inferenceSetNamespace";
    public const string MetricName = "metricName";
    public const string Threshold = "threshold";
    public const string MetricProtocol = "metricProtocol";
    public const string MetricPort = "metricPort";
    public const string MetricPath = "metricPath";
    public const string ScrapeTimeout = "scrapeTimeout";
    public const string MetricSource = "metricSource";
    public const string Aggregation = "aggregation";
    public const string MetricCacheWindow = "metricCacheWindow";
    public const string Quantile = "quantile";
    public const string ScalerAddress = "scalerAddress";
}
