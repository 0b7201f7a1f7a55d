using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Writes JSON as block YAML in one canonical form, so equal objects read the same whatever order their keys were
/// set in: keys sorted ordinally, two-space indents, list items at their key's indent (as <c>kubectl</c> writes),
/// strings plain only when YAML cannot read them as anything else, otherwise double-quoted.
/// </summary>
internal static partial class CanonicalYaml
{
    public static string Write(JsonNode? node)
    {
        var builder = new StringBuilder();
        if (node is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
        {
            WriteBlock(builder, node, indent: 0);
        }
        else
        {
            builder.Append(Scalar(node)).Append('\n');
        }

        return builder.ToString();
    }

    private static void WriteBlock(StringBuilder builder, JsonNode node, int indent)
    {
        if (node is JsonObject map)
        {
            WriteMap(builder, map, indent, firstKeyInline: false);
            return;
        }

        foreach (var item in (JsonArray)node)
        {
            builder.Append(' ', indent).Append('-');
            if (item is JsonObject { Count: > 0 } itemMap)
            {
                // A mapping item starts on the "- " line: "- name: x" then its other keys below "name".
                builder.Append(' ');
                WriteMap(builder, itemMap, indent + 2, firstKeyInline: true);
            }
            else
            {
                WriteValue(builder, item, indent + 2);
            }
        }
    }

    private static void WriteMap(StringBuilder builder, JsonObject map, int indent, bool firstKeyInline)
    {
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(' ', firstKeyInline ? 0 : indent).Append(Scalar(key)).Append(':');
            firstKeyInline = false;

            // A list under a key keeps the key's indent, as kubectl writes it.
            WriteValue(builder, value, value is JsonArray ? indent : indent + 2);
        }
    }

    /// <summary>Writes what follows a <c>key:</c> or <c>-</c>: a nested block from the next line, or a scalar on this one.</summary>
    private static void WriteValue(StringBuilder builder, JsonNode? value, int nestedIndent)
    {
        if (value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
        {
            builder.Append('\n');
            WriteBlock(builder, value, nestedIndent);
        }
        else
        {
            builder.Append(' ').Append(Scalar(value)).Append('\n');
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Scalar(value.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    /// <summary>Plain when unambiguous (<c>phi-4</c>, <c>keda.sh/v1alpha1</c>, <c>vllm:num_requests_waiting</c>); quoted when it could read as a number, boolean or null, or holds YAML syntax.</summary>
    private static string Scalar(string text) =>
        PlainSafe().IsMatch(text) && !Reserved.Contains(text) ? text : Quote(text);

    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                '\r' => builder.Append("\\r"),
                _ when char.IsControl(c) => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }

    // YAML 1.1 words too (yes/no/on/off/y/n): older readers, Go's yaml.v2 among them, take them as booleans.
    private static readonly HashSet<string> Reserved = new(
        ["true", "false", "null", "yes", "no", "on", "off", "y", "n"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Starts with a letter or <c>_</c>, continues with letters, digits and <c>_ . - / :</c>, and does not end with <c>:</c>.</summary>
    [GeneratedRegex("^[A-Za-z_]([A-Za-z0-9_./:-]*[A-Za-z0-9_./-])?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainSafe();
}
