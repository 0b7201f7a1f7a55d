using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansKaitoScaler.Silo.Kubernetes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>
/// Reads YAML fixtures as the API server would hold them in JSON: plain scalars that look like integers, floats,
/// booleans or null become those; quoted and block scalars stay strings. Written independently of the production
/// YAML code so the tests do not check that code against itself.
/// </summary>
internal static partial class YamlToJson
{
    public static JsonNode? Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    /// <summary>An InferenceSet fixture as the informer would deliver it.</summary>
    public static InferenceSetObject InferenceSet(string yaml, string uid = "5f0c7a84-0000-4000-8000-000000000001")
    {
        var json = (JsonObject)Convert(yaml)!;
        ((JsonObject)json["metadata"]!)["uid"] = uid;
        using var document = JsonDocument.Parse(json.ToJsonString());
        return InferenceSetObject.Parse(document.RootElement);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p =>
            KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, Convert(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (Integer().IsMatch(text))
        {
            return JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture));
        }

        return Float().IsMatch(text) ? JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)) : JsonValue.Create(text);
    }

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
