using System.Text.Json;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>Reads fields of API objects from JSON, tolerating absent ones and naming any of the wrong shape.</summary>
internal static class KubernetesJsonFields
{
    /// <summary><c>metadata.namespace</c> and <c>metadata.name</c>, both required.</summary>
    public static ObjectKey Key(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesObjectException("the object is not a JSON object");
        }

        var metadata = Child(json, "metadata") ?? throw new KubernetesObjectException("metadata is missing");
        var name = String(metadata, "name", "metadata.name");
        var @namespace = String(metadata, "namespace", "metadata.namespace");
        return string.IsNullOrEmpty(name) ? throw new KubernetesObjectException("metadata.name is missing")
            : string.IsNullOrEmpty(@namespace) ? throw new KubernetesObjectException($"metadata.namespace of '{name}' is missing")
            : new ObjectKey(@namespace, name);
    }

    /// <summary>An object-valued field, or null when absent or null.</summary>
    public static JsonElement? Child(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.Object ? value : throw new KubernetesObjectException($"{name} is not an object")
            : null;

    /// <summary>A string field, or null when absent.</summary>
    public static string? String(JsonElement? json, string name, string path) =>
        json is { } j && j.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new KubernetesObjectException($"{path} is not a string")
            : null;

    /// <summary>A 32-bit integer field, or null when absent.</summary>
    public static int? Int(JsonElement? json, string name, string path) =>
        json is { } j && j.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
            : throw new KubernetesObjectException($"{path} is not a 32-bit integer")
            : null;

    /// <summary>A string-to-string map such as labels or annotations; empty when absent.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(JsonElement? json, string name, string path)
    {
        if (json is not { } j || !j.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return EmptyMap;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesObjectException($"{path} is not a map");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            map[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw new KubernetesObjectException($"{path}[{entry.Name}] is not a string");
        }

        return map;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}
