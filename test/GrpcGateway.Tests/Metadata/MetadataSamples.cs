using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

/// <summary>A valid trigger to vary one key at a time, and the two ways parsing can end.</summary>
internal static class MetadataSamples
{
    public static readonly InferenceSetKey PhiKey = new("kaito-workloads", "phi-4");

    public static Dictionary<string, string> Minimal(params (string Key, string? Value)[] changes)
    {
        var metadata = new Dictionary<string, string>
        {
            [MetadataKeys.InferenceSetName] = PhiKey.Name,
            [MetadataKeys.InferenceSetNamespace] = PhiKey.Namespace,
            [MetadataKeys.MetricName] = "vllm:num_requests_waiting",
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
