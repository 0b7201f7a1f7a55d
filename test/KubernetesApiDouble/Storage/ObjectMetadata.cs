using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>Reads the <c>metadata</c> fields of an object held as JSON.</summary>
internal static class ObjectMetadata
{
    public static string? Name(JsonObject obj) => Text(obj["metadata"]?["name"]);

    public static string? Namespace(JsonObject obj) => Text(obj["metadata"]?["namespace"]);

    public static string? ResourceVersion(JsonObject obj) => Text(obj["metadata"]?["resourceVersion"]);

    public static string? Uid(JsonObject obj) => Text(obj["metadata"]?["uid"]);

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                labels[key] = Text(value) ?? "";
            }
        }

        return labels;
    }

    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
