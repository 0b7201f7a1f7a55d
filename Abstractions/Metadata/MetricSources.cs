namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>The values <c>metricSource</c> accepts: where an InferenceSet's scrape endpoints come from.</summary>
public static class MetricSources
{
    /// <summary>
    /// <c>modelpod</c>: one endpoint per Workspace of the InferenceSet, scraped through the Workspace's Service
    /// (the Go scaler's only source, and the default).
    /// </summary>
    public const string ModelPod = "modelpod";

    /// <summary>Every known source name, in the spelling the scaler normalises to.</summary>
    public static IReadOnlyList<string> Known { get; } = [ModelPod];
}
