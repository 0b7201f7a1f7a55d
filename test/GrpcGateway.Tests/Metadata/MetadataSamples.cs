using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

/// <summary>A valid trigger to vary one key at a time, and the two ways parsing can end.</summary>
internal static class MetadataSamples
{
    public static readonly InferenceSetKey PhiKey = new("kaito-workloads", "phi-4");

    public static Dictionary<string, string> Minimal(params (string Key, string? Value)[] changes) =>
        For(PhiKey, "vllm:num_requests_waiting", changes);

    /// <summary>The four keys every trigger has (threshold 10), then <paramref name="changes"/> (a null value removes a key).</summary>
    public static Dictionary<string, string> For(InferenceSetKey inferenceSet, string metricName, params (string Key, string? Value)[] changes)
    {
        var metadata = new Dictionary<string, string>
        {
            [MetadataKeys.InferenceSetName] = inferenceSet.Name,
            [MetadataKeys.InferenceSetNamespace] = inferenceSet.Namespace,
            [MetadataKeys.MetricName] = metricName,
            [MetadataKeys.Threshold] = "10",
        };
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                metadata.Remove(key);
            }
            else
            {
                metadata[key] = value;
            }
        }

        return metadata;
    }

    public static ScalerMetadata Parsed(Dictionary<string, string> metadata)
    {
        Assert.True(ScalerMetadataParser.TryParse(metadata, out var result, out var error), error?.ToString());
        return result;
    }

    public static MetadataError Rejected(Dictionary<string, string> metadata)
    {
        Assert.False(ScalerMetadataParser.TryParse(metadata, out var result, out var error));
        Assert.Null(result);
        return error;
    }
}
