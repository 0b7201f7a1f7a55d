using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// The parts of a ScaledObject that are ours: <c>spec</c> whole, the annotations and labels we set, and our owner
/// reference. Everything else (resourceVersion, status, other controllers' annotations) belongs to someone else and
/// is neither compared nor overwritten, so a live object that differs only there needs no update.
/// </summary>
internal static class ScaledObjectOwnedFields
{
    /// <summary>True when <paramref name="live"/> carries the managed-by marker with <paramref name="managedBy"/>; only such objects are touched.</summary>
    public static bool IsManagedBy(JsonObject live, string managedBy) =>
        Annotation(live, AutoProvisioningAnnotations.ManagedBy) is { } value && string.Equals(value, managedBy, StringComparison.Ordinal);

    /// <summary>
    /// True when every field we own already has its desired value: then an update would change nothing. Objects and
    /// numbers compare by meaning (key order, <c>15</c> vs <c>15.0</c> do not matter); lists by order.
    /// </summary>
    public static bool IsAsDesired(JsonObject live, JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(desired);
        return JsonNode.DeepEquals(live["spec"], desired["spec"])
            && ContainsAll(Metadata(live)?["annotations"] as JsonObject, Metadata(desired)?["annotations"] as JsonObject)
            && ContainsAll(Metadata(live)?["labels"] as JsonObject, Metadata(desired)?["labels"] as JsonObject)
            && OwnerReferences(desired).All(wanted => OwnerReferences(live).Any(have => JsonNode.DeepEquals(have, wanted)));
    }

    /// <summary>
    /// <paramref name="live"/> with our fields set as <paramref name="desired"/> has them: the body of an update that
    /// keeps <c>resourceVersion</c> (so a concurrent change is detected) and everything we do not own.
    /// </summary>
    public static JsonObject ApplyTo(JsonObject live, JsonObject desired)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(desired);
        var updated = (JsonObject)live.DeepClone();
        updated["spec"] = desired["spec"]?.DeepClone();
        var metadata = updated["metadata"] as JsonObject ?? [];
        updated["metadata"] = metadata;
        foreach (var field in (string[])["annotations", "labels"])
        {
            if (Metadata(desired)?[field] is JsonObject wanted && wanted.Count > 0)
            {
                var have = metadata[field] as JsonObject ?? [];
                metadata[field] = have;
                foreach (var (key, value) in wanted)
                {
                    have[key] = value?.DeepClone();
                }
            }
        }

        // Ours replaces any reference to the same owner and any other controller reference: an object has at most one
        // controller, and the managed-by marker says it is us.
        var desiredReferences = OwnerReferences(desired).ToList();
        var uids = desiredReferences.Select(r => r["uid"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var references = new JsonArray();
        foreach (var reference in OwnerReferences(updated))
        {
            var isController = reference["controller"] is JsonValue c && c.GetValueKind() == JsonValueKind.True;
            if (!isController && !uids.Contains(reference["uid"] is JsonValue u && u.GetValueKind() == JsonValueKind.String ? u.GetValue<string>() : null))
            {
                references.Add(reference.DeepClone());
            }
        }

        foreach (var reference in desiredReferences)
        {
            references.Add(reference.DeepClone());
        }

        metadata["ownerReferences"] = references;
        return updated;
    }

    private static JsonObject? Metadata(JsonObject obj) => obj["metadata"] as JsonObject;

    private static string? Annotation(JsonObject obj, string key) =>
        Metadata(obj)?["annotations"] is JsonObject annotations && annotations[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;

    private static IEnumerable<JsonObject> OwnerReferences(JsonObject obj) =>
        Metadata(obj)?["ownerReferences"] is JsonArray references ? references.OfType<JsonObject>() : [];

    private static bool ContainsAll(JsonObject? have, JsonObject? wanted) =>
        wanted is null || wanted.All(p => have is not null && have.TryGetPropertyValue(p.Key, out var value) && JsonNode.DeepEquals(value, p.Value));
}
