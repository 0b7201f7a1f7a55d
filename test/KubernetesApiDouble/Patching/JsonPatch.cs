using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Patching;

/// <summary>
/// RFC 6902 JSON patch: add, remove, replace, move, copy and test, addressed by RFC 6901 JSON pointers.
/// A body that is not a list of operations is a 400; an operation that cannot apply (a failed <c>test</c>, a missing
/// path) is a 422 and leaves the object untouched, as on the real server.
/// </summary>
internal static class JsonPatch
{
    // The document sits under this key of a holder object so that the root ("") is addressed like any other location.
    private const string Root = "root";

    public static Outcome<JsonObject> Apply(JsonObject document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            return ApiError.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }

        var holder = new JsonObject { [Root] = document.DeepClone() };
        foreach (var operation in operations)
        {
            if (Apply(holder, operation as JsonObject) is { } failure)
            {
                return ApiError.Unprocessable(failure);
            }
        }

        return holder[Root] as JsonObject ?? (Outcome<JsonObject>)ApiError.Unprocessable("the patched document is not an object");
    }

    private static string? Apply(JsonObject holder, JsonObject? operation)
    {
        var op = (operation?["op"] as JsonValue)?.GetValue<string>();
        var path = (operation?["path"] as JsonValue)?.GetValue<string>();
        var from = (operation?["from"] as JsonValue)?.GetValue<string>();
        if (op is null || path is null)
        {
            return "a JSON patch operation needs \"op\" and \"path\"";
        }

        var value = operation!.TryGetPropertyValue("value", out var given) ? given : null;
        var hasValue = operation.ContainsKey("value");
        return op switch
        {
            "add" when hasValue => Add(holder, path, value?.DeepClone()),
            "remove" => Remove(holder, path, out _),
            "replace" when hasValue => Remove(holder, path, out _) is { } missing ? missing.Replace("remove", "replace", StringComparison.Ordinal) : Add(holder, path, value?.DeepClone()),
            "move" when from is not null => Remove(holder, from, out var moved) ?? Add(holder, path, moved),
            "copy" when from is not null => Find(holder, from, out var copied) ? Add(holder, path, copied?.DeepClone()) : Missing("copy", from),
            "test" when hasValue => Find(holder, path, out var actual) && JsonNode.DeepEquals(actual, value) ? null : $"testing value {path} failed",
            "add" or "replace" or "test" => $"{op} operation missing \"value\"",
            "move" or "copy" => $"{op} operation missing \"from\"",
            _ => $"Unexpected kind: {op}",
        };
    }

    private static string? Add(JsonObject holder, string pointer, JsonNode? value)
    {
        if (!Locate(holder, pointer, out var parent, out var token))
        {
            return Missing("add", pointer);
        }

        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(token);
                obj[token] = value;
                return null;
            case JsonArray array when token == "-":
                array.Add(value);
                return null;
            case JsonArray array when Index(token, array.Count + 1) is { } at:
                array.Insert(at, value);
                return null;
            default:
                return Missing("add", pointer);
        }
    }

    private static string? Remove(JsonObject holder, string pointer, out JsonNode? removed)
    {
        removed = null;
        if (!Locate(holder, pointer, out var parent, out var token))
        {
            return Missing("remove", pointer);
        }

        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(token, out removed):
                obj.Remove(token);
                return null;
            case JsonArray array when Index(token, array.Count) is { } at:
                removed = array[at];
                array.RemoveAt(at);
                return null;
            default:
                return Missing("remove", pointer);
        }
    }

    private static bool Find(JsonObject holder, string pointer, out JsonNode? found)
    {
        found = null;
        if (!Locate(holder, pointer, out var parent, out var token))
        {
            return false;
        }

        switch (parent)
        {
            case JsonObject obj:
                return obj.TryGetPropertyValue(token, out found);
            case JsonArray array when Index(token, array.Count) is { } at:
                found = array[at];
                return true;
            default:
                return false;
        }
    }

    /// <summary>Walks to the container of the pointer's last token; the holder makes "" mean the whole document.</summary>
    private static bool Locate(JsonObject holder, string pointer, out JsonNode? parent, out string token)
    {
        parent = null;
        token = "";
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            return false;
        }

        var tokens = new[] { Root }
            .Concat(pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
            .ToArray();
        JsonNode? current = holder;
        foreach (var step in tokens[..^1])
        {
            current = current switch
            {
                JsonObject obj => obj[step],
                JsonArray array when Index(step, array.Count) is { } at => array[at],
                _ => null,
            };
            if (current is null)
            {
                return false;
            }
        }

        parent = current;
        token = tokens[^1];
        return true;
    }

    private static int? Index(string token, int limit) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var at) && at < limit ? at : null;

    private static string Missing(string op, string pointer) => $"{op} operation does not apply: doc is missing path: \"{pointer}\"";
}
