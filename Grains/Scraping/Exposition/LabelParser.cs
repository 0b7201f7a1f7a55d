namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// Reads a <c>{name="value",…}</c> label set. Prometheus 0.0.4 allows blanks around tokens and a trailing comma,
/// and only the escapes <c>\\</c>, <c>\"</c>, <c>\n</c>; OpenMetrics allows no blanks and no trailing comma.
/// </summary>
internal static class LabelParser
{
    /// <summary>Parses labels starting just after <c>{</c>; <paramref name="end"/> is the index just after <c>}</c>.</summary>
    /// <returns>An error message, or null.</returns>
    public static string? Parse(ReadOnlySpan<byte> line, int start, bool openMetrics, LabelSet labels, out int end)
    {
        var position = start;
        end = line.Length;
        position = Blanks(line, position, openMetrics);
        if (position < line.Length && line[position] == '}')
        {
            end = position + 1;
            return null;
        }

        while (true)
        {
            var nameLength = Tokens.LabelNameLength(line[position..]);
            if (nameLength == 0)
            {
                return $"invalid label name at '{ErrorText.Show(line[position..])}'";
            }

            var nameStart = position;
            if (line.Slice(nameStart, nameLength).SequenceEqual("__name__"u8) && !openMetrics)
            {
                return "label name '__name__' is reserved";
            }

            position = Blanks(line, position + nameLength, openMetrics);
            if (position >= line.Length || line[position] != '=')
            {
                return $"expected '=' after label name '{ErrorText.Show(line.Slice(nameStart, nameLength))}'";
            }

            position = Blanks(line, position + 1, openMetrics);
            if (position >= line.Length || line[position] != '"')
            {
                return $"expected '\"' at the start of the value of label '{ErrorText.Show(line.Slice(nameStart, nameLength))}'";
            }

            var valueStart = position + 1;
            var escaped = false;
            position = valueStart;
            while (true)
            {
                var stop = line[position..].IndexOfAny((byte)'"', (byte)'\\');
                if (stop < 0)
                {
                    return $"value of label '{ErrorText.Show(line.Slice(nameStart, nameLength))}' is not terminated";
                }

                position += stop;
                if (line[position] == '"')
                {
                    break;
                }

                escaped = true;
                if (position + 1 >= line.Length)
                {
                    return "label value ends in a lone backslash";
                }

                if (!openMetrics && line[position + 1] is not ((byte)'\\' or (byte)'"' or (byte)'n'))
                {
                    return $"invalid escape sequence '\\{(char)line[position + 1]}' in label value";
                }

                position += 2;
            }

            labels.Add(new LabelSet.Label(nameStart, nameLength, valueStart, position - valueStart, escaped));
            position = Blanks(line, position + 1, openMetrics);
            if (position >= line.Length)
            {
                return "label set is not closed with '}'";
            }

            if (line[position] == '}')
            {
                end = position + 1;
                return null;
            }

            if (line[position] != ',')
            {
                return $"expected ',' or '}}' after a label value, got '{ErrorText.Show(line[position..])}'";
            }

            position = Blanks(line, position + 1, openMetrics);
            if (!openMetrics && position < line.Length && line[position] == '}')
            {
                end = position + 1;
                return null;
            }
        }
    }

    /// <summary>0.0.4 allows blanks around label tokens; OpenMetrics allows none.</summary>
    private static int Blanks(ReadOnlySpan<byte> line, int position, bool openMetrics) =>
        openMetrics ? position : Tokens.SkipBlanks(line, position);
}
