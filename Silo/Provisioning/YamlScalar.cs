using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>What a YAML scalar means under the YAML 1.2 core schema.</summary>
internal enum YamlScalarKind
{
    String,
    Null,
    Boolean,
    Integer,
    Float,
    Infinity,
    NotANumber,
}

/// <summary>
/// Resolves YAML scalars by the YAML 1.2 core schema, which YamlDotNet's representation model leaves to the reader:
/// only plain (unquoted, untagged) scalars can be numbers, booleans or null.
/// </summary>
internal static partial class YamlScalar
{
    public static YamlScalarKind Classify(YamlScalarNode scalar)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            return YamlScalarKind.String;
        }

        var text = scalar.Value ?? string.Empty;
        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => YamlScalarKind.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => YamlScalarKind.Boolean,
            ".nan" or ".NaN" or ".NAN" => YamlScalarKind.NotANumber,
            _ when InfinityPattern().IsMatch(text) => YamlScalarKind.Infinity,
            _ when IntegerPattern().IsMatch(text) => YamlScalarKind.Integer,
            _ when FloatPattern().IsMatch(text) => YamlScalarKind.Float,
            _ => YamlScalarKind.String,
        };
    }

    /// <summary>The value of an <see cref="YamlScalarKind.Integer"/> or <see cref="YamlScalarKind.Float"/> scalar.</summary>
    public static double ToDouble(YamlScalarNode scalar)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        return double.Parse(scalar.Value!, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>A node as an Event message shows it: a scalar quoted if it is a string, else what kind of node it is.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar when Classify(scalar) == YamlScalarKind.String => $"\"{scalar.Value}\"",
        YamlScalarNode scalar => scalar.Value ?? "null",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^[-+]?\.(inf|Inf|INF)$", RegexOptions.CultureInvariant)]
    private static partial Regex InfinityPattern();
}
