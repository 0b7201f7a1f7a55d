using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>
/// An object as written at one resourceVersion. Held as immutable UTF-8 JSON so that readers, watchers and the event
/// history can share it across threads; each reader thaws its own mutable copy.
/// </summary>
internal sealed class StoredObject(JsonObject obj, string? @namespace, string name, long resourceVersion)
{
    private readonly byte[] _json = JsonSerializer.SerializeToUtf8Bytes(obj);

    /// <summary>Null for cluster-scoped objects.</summary>
    public string? Namespace { get; } = @namespace;

    public string Name { get; } = name;

    public long ResourceVersion { get; } = resourceVersion;

    public string Key => Namespace is null ? Name : $"{Namespace}/{Name}";

    public JsonObject Thaw() => JsonNode.Parse(_json)!.AsObject();
}
