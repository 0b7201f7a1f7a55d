using System.Text.Json;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>
/// What the scaler reads from a <c>kaito.sh</c> InferenceSet: readiness for <c>IsActive</c> and the gate, and what
/// the provisioner needs (annotations, uid, <c>spec.nodeCountLimit</c>).
/// </summary>
/// <param name="Key">Namespace and name.</param>
/// <param name="Uid"><c>metadata.uid</c>, for owner references.</param>
/// <param name="Ready">Its <c>Ready</c> condition has status <c>True</c>.</param>
/// <param name="Replicas"><c>spec.replicas</c>, when set.</param>
/// <param name="ReadyReplicas"><c>status.readyReplicas</c>, when set.</param>
/// <param name="NodeCountLimit"><c>spec.nodeCountLimit</c>, when set.</param>
/// <param name="Annotations"><c>metadata.annotations</c>.</param>
internal sealed record InferenceSetObject(
    ObjectKey Key,
    string? Uid,
    bool Ready,
    int? Replicas,
    int? ReadyReplicas,
    int? NodeCountLimit,
    IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>
    /// Equal when every field is, the annotations by their keys and values: a re-list reads each InferenceSet into a
    /// new dictionary, and the feeder tells only what changed.
    /// </summary>
    public bool Equals(InferenceSetObject? other) =>
        other is not null
        && (Key, Uid, Ready, Replicas, ReadyReplicas, NodeCountLimit) == (other.Key, other.Uid, other.Ready, other.Replicas, other.ReadyReplicas, other.NodeCountLimit)
        && Annotations.Count == other.Annotations.Count
        && Annotations.All(a => other.Annotations.TryGetValue(a.Key, out var value) && string.Equals(value, a.Value, StringComparison.Ordinal));

    public override int GetHashCode() => HashCode.Combine(Key, Uid, Ready, Replicas, ReadyReplicas, NodeCountLimit, Annotations.Count);

    /// <summary>Reads an InferenceSet from its JSON; a field of the wrong shape is an error naming it.</summary>
    public static InferenceSetObject Parse(JsonElement json)
    {
        var key = KubernetesJsonFields.Key(json);
        var spec = KubernetesJsonFields.Child(json, "spec");
        var status = KubernetesJsonFields.Child(json, "status");
        return new InferenceSetObject(
            key,
            KubernetesJsonFields.String(KubernetesJsonFields.Child(json, "metadata"), "uid", "metadata.uid"),
            IsReady(status),
            KubernetesJsonFields.Int(spec, "replicas", "spec.replicas"),
            KubernetesJsonFields.Int(status, "readyReplicas", "status.readyReplicas"),
            KubernetesJsonFields.Int(spec, "nodeCountLimit", "spec.nodeCountLimit"),
            KubernetesJsonFields.StringMap(KubernetesJsonFields.Child(json, "metadata"), "annotations", "metadata.annotations"));
    }

    /// <summary>The Go scaler's rule: the first condition of type <c>Ready</c> decides, and only <c>True</c> is active.</summary>
    private static bool IsReady(JsonElement? status)
    {
        if (status is not { } s || !s.TryGetProperty("conditions", out var conditions) || conditions.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (conditions.ValueKind != JsonValueKind.Array)
        {
            throw new KubernetesObjectException("status.conditions is not a list");
        }

        foreach (var condition in conditions.EnumerateArray())
        {
            if (condition.ValueKind == JsonValueKind.Object
                && condition.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Ready")
            {
                return condition.TryGetProperty("status", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() == "True";
            }
        }

        return false;
    }
}
