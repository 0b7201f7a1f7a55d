using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>YAML fixtures as the API server would hold them in JSON (<see cref="YamlJson"/>), and as the informer delivers them.</summary>
internal static class YamlToJson
{
    public static JsonNode? Convert(string yaml) => YamlJson.Convert(yaml);

    /// <summary>An InferenceSet fixture as the informer would deliver it.</summary>
    public static InferenceSetObject InferenceSet(string yaml, string uid = "5f0c7a84-0000-4000-8000-000000000001")
    {
        var json = (JsonObject)Convert(yaml)!;
        ((JsonObject)json["metadata"]!)["uid"] = uid;
        using var document = JsonDocument.Parse(json.ToJsonString());
        return InferenceSetObject.Parse(document.RootElement);
    }
}
