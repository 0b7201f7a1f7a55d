using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>
/// The <c>/scale</c> subresource of a CRD: an <c>autoscaling/v1 Scale</c> view of the paths the CRD names.
/// The HPA and KEDA read and write replicas through it.
/// </summary>
internal sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath)
{
    public JsonObject ToScale(JsonObject owner)
    {
        var metadata = owner["metadata"] as JsonObject;
        var scaleMetadata = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (metadata?[field] is { } value)
            {
                scaleMetadata[field] = value.DeepClone();
            }
        }

        var status = new JsonObject { ["replicas"] = AsInt(FieldPath.Read(owner, StatusReplicasPath)) };
        if (LabelSelectorPath is not null && FieldPath.Read(owner, LabelSelectorPath) is JsonValue selector)
        {
            status["selector"] = selector.DeepClone();
        }

        var spec = new JsonObject();
        if (FieldPath.Read(owner, SpecReplicasPath) is { } replicas)
        {
            spec["replicas"] = AsInt(replicas);
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMetadata,
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    /// <summary>
    /// Writes the desired replicas of <paramref name="scale"/> into a copy of <paramref name="owner"/>, carrying the
    /// Scale's resourceVersion so a stale Scale conflicts exactly like a stale object.
    /// </summary>
    public Outcome<JsonObject> ApplyTo(JsonObject owner, JsonObject scale)
    {
        if (scale["spec"]?["replicas"] is not JsonValue replicas || !replicas.TryGetValue<long>(out var count))
        {
            return ApiError.Unprocessable("Scale.autoscaling \"\" is invalid: spec.replicas: Required value");
        }

        var updated = (JsonObject)owner.DeepClone();
        FieldPath.Write(updated, SpecReplicasPath, JsonValue.Create(count));
        var metadata = (JsonObject)updated["metadata"]!;
        metadata["resourceVersion"] = scale["metadata"]?["resourceVersion"]?.DeepClone();
        return updated;
    }

    private static long AsInt(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var number) ? number : 0;
}
