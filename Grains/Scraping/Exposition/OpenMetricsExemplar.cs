using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// The exemplar after <c> # </c> on an OpenMetrics counter or bucket sample: <c>{labels} value [timestamp]</c>,
/// its label names and values together at most 128 characters (OpenMetrics 1.0, "Exemplars").
/// </summary>
internal static class OpenMetricsExemplar
{
    private const int MaxLabelRunes = 128;

    /// <summary>An error message for a malformed exemplar, or null.</summary>
    public static string? Check(ReadOnlySpan<byte> exemplar)
    {
        var labels = new LabelSet();
        if (exemplar.IsEmpty || exemplar[0] != '{' || LabelParser.Parse(exemplar, 1, openMetrics: true, labels, out var end) is not null)
        {
            return "malformed exemplar label set";
        }

        var runes = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            runes += CountRunes(labels[i].Name(exemplar)) + CountRunes(labels[i].RawValue(exemplar));
        }

        if (runes > MaxLabelRunes)
        {
            return $"exemplar labels have {runes} characters; at most {MaxLabelRunes} are allowed";
        }

        var rest = exemplar[end..];
        if (rest.IsEmpty || rest[0] != ' ')
        {
            return "expected a space and a value after the exemplar labels";
        }

        var parts = rest[1..];
        var space = parts.IndexOf((byte)' ');
        var value = space < 0 ? parts : parts[..space];
        if (!Tokens.TryParseOpenMetricsNumber(value, out _))
        {
            return $"invalid exemplar value '{ErrorText.Show(value)}'";
        }

        return space >= 0 && !Tokens.TryParseDecimal(parts[(space + 1)..], out _)
            ? $"invalid exemplar timestamp '{ErrorText.Show(parts[(space + 1)..])}'"
            : null;
    }

    /// <summary>Characters as OpenMetrics counts them: Unicode code points, not bytes or UTF-16 units.</summary>
    private static int CountRunes(ReadOnlySpan<byte> text)
    {
        var count = 0;
        while (!text.IsEmpty)
        {
            _ = Rune.DecodeFromUtf8(text, out _, out var consumed);
            text = text[consumed..];
            count++;
        }

        return count;
    }
}
