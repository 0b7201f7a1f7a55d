using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// Reads YAML (fixtures, rendered Helm charts) as the API server would hold it in JSON: plain scalars that look like
/// integers, floats, booleans or null become those; quoted and block scalars stay strings. Written independently of
/// the production YAML code so the tests do not check that code against itself.
/// </summary>
public static partial class YamlJson
{
    /// <summary>The first document, or null when there is none.</summary>
    public static JsonNode? Convert(string yaml) => ConvertAll(yaml) is [var first, ..] ? first : null;

    /// <summary>Every document of a multi-document stream (<c>---</c>), empty documents left out.</summary>
    public static IReadOnlyList<JsonNode?> ConvertAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).Select(d => Convert(d.RootNode))];
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
