using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>Dotted paths such as <c>.spec.replicas</c>, the form CRDs use for scale paths and field selectors use for fields.</summary>
internal static class FieldPath
{
    public static JsonNode? Read(JsonObject root, string path)
    {
        JsonNode? current = root;
        foreach (var part in Split(path))
        {
            current = current is JsonObject obj ? obj[part] : null;
        }

        return current;
    }

    /// <summary>The value as a field selector compares it: strings as-is, numbers and booleans as text, missing as empty.</summary>
    public static string ReadText(JsonObject root, string path) =>
        Read(root, path) switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            JsonValue value when value.GetValueKind() == JsonValueKind.True => "true",
            JsonValue value when value.GetValueKind() == JsonValueKind.False => "false",
            JsonValue value when value.TryGetValue<long>(out var number) => number.ToString(CultureInfo.InvariantCulture),
            JsonValue value => value.ToJsonString(),
            _ => "",
        };

    public static void Write(JsonObject root, string path, JsonNode? value)
    {
        var parts = Split(path);
        var current = root;
        foreach (var part in parts[..^1])
        {
            if (current[part] is not JsonObject next)
            {
                next = [];
                current[part] = next;
            }

            current = next;
        }

        current[parts[^1]] = value;
    }

    private static string[] Split(string path) => path.TrimStart('.').Split('.');
}
