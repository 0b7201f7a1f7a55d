using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Patching;

/// <summary>
/// RFC 7386 JSON merge patch: objects merge key by key, <c>null</c> removes a key, anything else (arrays included)
/// replaces. Strategic merge patches are applied this way too: for custom resources that is what the real server does,
/// and for built-ins it differs only in how lists with merge keys combine.
/// </summary>
internal static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject changes)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject obj ? (JsonObject)obj.DeepClone() : [];
        foreach (var (key, change) in changes)
        {
            if (change is null)
            {
                result.Remove(key);
                continue;
            }

            var existing = result[key];
            result.Remove(key);
            result[key] = Apply(existing, change);
        }

        return result;
    }
}
