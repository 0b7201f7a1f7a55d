using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>
/// The opaque <c>continue</c> value of a paged list: the list's resourceVersion and the last key returned, in the same
/// shape the real server uses. A token older than the compacted history is expired (410), as on the real server.
/// </summary>
internal static class ContinueToken
{
    public static string Encode(long resourceVersion, string lastKey)
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = resourceVersion, ["start"] = lastKey + "\0" };
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    public static (long ResourceVersion, string LastKey)? Decode(string token)
    {
        try
        {
            var json = JsonNode.Parse(Base64Url.DecodeFromChars(token))?.AsObject();
            var start = json?["start"]?.GetValue<string>();
            var rv = json?["rv"]?.GetValue<long>();
            return start is { Length: > 0 } && rv is { } version ? (version, start.TrimEnd('\0')) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
