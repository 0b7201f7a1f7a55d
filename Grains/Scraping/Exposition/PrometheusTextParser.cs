using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// Prometheus text format 0.0.4, with the rules of Go's <c>expfmt</c> text parser (what Prometheus, promtool
/// and the Go scaler use). When only some families are requested, other sample lines are checked just for a
/// valid metric name before the vectorised skip to the next line, so they cost no allocation.
/// </summary>
/// <remarks>
/// One deliberate difference from <c>expfmt</c>: a last line without a final newline is accepted, because real
/// vLLM captures end that way.
/// </remarks>
internal sealed class PrometheusTextParser(FamilyAccumulator sink, bool validateAll)
{
    private static readonly string[] s_types = ["counter", "gauge", "histogram", "summary", "untyped"];
    private static readonly (byte[] Suffix, SamplePart Part)[] s_suffixes =
        [("_sum"u8.ToArray(), SamplePart.Sum), ("_count"u8.ToArray(), SamplePart.Count), ("_bucket"u8.ToArray(), SamplePart.Bucket)];
    private readonly LabelSet _labels = new();
    private readonly Dictionary<string, FamilyState> _families = validateAll ? new(StringComparer.Ordinal) : [];

    public ExpositionError? Parse(ReadOnlySpan<byte> body)
    {
        var reader = new LineReader(body);
        while (reader.Next(out var line, out _))
        {
            var start = line.IndexOfAnyExcept((byte)' ', (byte)'\t');
            if (start < 0)
            {
                continue;
            }

            line = line[start..];
            var error = line[0] == '#' ? Comment(line) : Sample(line);
            if (error is not null)
            {
                return new ExpositionError(reader.LineNumber, error);
            }
        }

        return null;
    }

    private string? Comment(ReadOnlySpan<byte> line)
    {
        var rest = TrimLeadingBlanks(line[1..]);
        var keywordEnd = rest.IndexOfAny((byte)' ', (byte)'\t');
        var keyword = keywordEnd < 0 ? rest : rest[..keywordEnd];
        var isHelp = keyword.SequenceEqual("HELP"u8);
        if (!isHelp && !keyword.SequenceEqual("TYPE"u8))
        {
            return null;
        }

        rest = keywordEnd < 0 ? default : TrimLeadingBlanks(rest[keywordEnd..]);
        if (rest.IsEmpty)
        {
            return null;
        }

        var nameLength = Tokens.MetricNameLength(rest);
        if (nameLength == 0 || (nameLength < rest.Length && rest[nameLength] is not ((byte)' ' or (byte)'\t')))
        {
            return $"invalid metric name in {(isHelp ? "HELP" : "TYPE")} line: '{Show(rest)}'";
        }

        var name = rest[..nameLength];
        // Trailing blanks stay: expfmt reads "gauge " as an unknown type.
        var text = TrimLeadingBlanks(rest[nameLength..]);
        if (text.IsEmpty)
        {
            // expfmt reads "# HELP name" and "# TYPE name" with nothing after the name as plain comments.
            return null;
        }

        if (!validateAll)
        {
            if (!isHelp && sink.IsRequested(name) && ParseType(text) is { } requestedType)
            {
                sink.Declare(name, requestedType);
            }

            return null;
        }

        var family = Family(name);
        if (isHelp)
        {
            if (family.HasHelp)
            {
                return $"second HELP line for metric name '{Show(name)}'";
            }

            family.HasHelp = true;
            return HelpEscapeError(text);
        }

        if (family.Type is not null)
        {
            return $"second TYPE line for metric name '{Show(name)}', or TYPE reported after samples";
        }

        family.Type = ParseType(text);
        return family.Type is null ? $"unknown metric type '{Show(text)}'" : null;
    }

    private string? Sample(ReadOnlySpan<byte> line)
    {
        var nameLength = Tokens.MetricNameLength(line);
        if (nameLength == 0)
        {
            return $"invalid metric name at the start of '{Show(line)}'";
        }

        var name = line[..nameLength];
        int requested = -1;
        var part = SamplePart.None;
        if (!validateAll && !sink.Match(name, out requested, out part))
        {
            // Not wanted: only make sure the line is shaped like a sample, then skip it.
            return nameLength < line.Length && line[nameLength] is (byte)'{' or (byte)' ' or (byte)'\t'
                ? null
                : $"'{Show(line)}' is not a sample: expected a metric name followed by labels or a value";
        }

        var position = SkipBlanks(line, nameLength);
        _labels.Clear();
        if (position < line.Length && line[position] == '{')
        {
            if (LabelParser.Parse(line, position + 1, openMetrics: false, _labels, out position) is { } labelError)
            {
                return labelError;
            }

            if (_labels.HasDuplicate(line))
            {
                return $"duplicate label names for metric '{Show(name)}'";
            }

            position = SkipBlanks(line, position);
        }

        var valueEnd = line[position..].IndexOfAny((byte)' ', (byte)'\t');
        var valueText = valueEnd < 0 ? line[position..] : line.Slice(position, valueEnd);
        if (valueText.IsEmpty)
        {
            return $"metric '{Show(name)}' has no value";
        }

        if (!Tokens.TryParseGoFloat(valueText, out var value))
        {
            return $"expected float as value, got '{Show(valueText)}'";
        }

        if (valueEnd >= 0)
        {
            var timestampText = TrimLeadingBlanks(line[(position + valueEnd)..]);
            var timestampEnd = timestampText.IndexOfAny((byte)' ', (byte)'\t');
            if (!Tokens.TryParseInt64(timestampEnd < 0 ? timestampText : timestampText[..timestampEnd], out _))
            {
                return $"expected integer as timestamp, got '{Show(timestampEnd < 0 ? timestampText : timestampText[..timestampEnd])}'";
            }

            if (timestampEnd >= 0)
            {
                return $"spurious string after timestamp: '{Show(timestampText[timestampEnd..])}'";
            }
        }

        return validateAll ? Record(line, name, value) : Add(line, requested, part, value);
    }

    /// <summary>Adds a requested sample; a bucket's bound comes from its <c>le</c> label.</summary>
    private string? Add(ReadOnlySpan<byte> line, int requested, SamplePart part, double value)
    {
        var bound = 0.0;
        if (part == SamplePart.Bucket && _labels.IndexOf(line, "le"u8) < 0)
        {
            // expfmt accepts a bucket with no bound; it says nothing about the distribution, so it adds nothing.
            part = SamplePart.None;
        }
        else if (part == SamplePart.Bucket && !TryBound(line, "le"u8, out bound))
        {
            return $"expected float as value for 'le' label: '{Show(line)}'";
        }

        sink.Add(requested, part, value, bound);
        return null;
    }

    /// <summary>Full validation: resolves the sample's family the way expfmt does and checks le/quantile labels.</summary>
    private string? Record(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name, double value)
    {
        var (familyName, part) = Resolve(name);
        var family = Family(familyName);
        family.Type ??= "untyped";
        var bound = 0.0;
        if (family.Type == "histogram" && part == SamplePart.Bucket && _labels.IndexOf(line, "le"u8) >= 0 && !TryBound(line, "le"u8, out bound))
        {
            return $"expected float as value for 'le' label: '{Show(line)}'";
        }

        if (family.Type == "summary" && part == SamplePart.None && _labels.IndexOf(line, "quantile"u8) >= 0 && !TryBound(line, "quantile"u8, out _))
        {
            return $"expected float as value for 'quantile' label: '{Show(line)}'";
        }

        if (part == SamplePart.Bucket && _labels.IndexOf(line, "le"u8) < 0)
        {
            part = SamplePart.None;
        }

        sink.Add(Encoding.UTF8.GetString(familyName), part, value, bound);
        return null;
    }

    /// <summary><c>x_sum</c>, <c>x_count</c> (and <c>x_bucket</c>) belong to <c>x</c> when <c>x</c> is a declared summary or histogram.</summary>
    private (byte[] Family, SamplePart Part) Resolve(ReadOnlySpan<byte> name)
    {
        foreach (var (suffix, part) in s_suffixes)
        {
            if (name.EndsWith(suffix))
            {
                var baseName = name[..^suffix.Length];
                if (_families.TryGetValue(Encoding.UTF8.GetString(baseName), out var baseFamily)
                    && (baseFamily.Type == "histogram" || (baseFamily.Type == "summary" && part != SamplePart.Bucket)))
                {
                    return (baseName.ToArray(), part);
                }
            }
        }

        var own = _families.TryGetValue(Encoding.UTF8.GetString(name), out var state) ? state.Type : null;
        return (name.ToArray(), own == "summary" ? SamplePart.None : SamplePart.Value);
    }

    private bool TryBound(ReadOnlySpan<byte> line, ReadOnlySpan<byte> label, out double bound)
    {
        bound = 0;
        var index = _labels.IndexOf(line, label);
        if (index < 0)
        {
            return false;
        }

        var found = _labels[index];
        return found.Escaped
            ? Tokens.TryParseGoFloat(Encoding.UTF8.GetBytes(found.Value(line)), out bound)
            : Tokens.TryParseGoFloat(found.RawValue(line), out bound);
    }

    private FamilyState Family(ReadOnlySpan<byte> name)
    {
        var key = Encoding.UTF8.GetString(name);
        if (!_families.TryGetValue(key, out var family))
        {
            family = new FamilyState();
            _families.Add(key, family);
        }

        return family;
    }

    private static string? ParseType(ReadOnlySpan<byte> text)
    {
        foreach (var type in s_types)
        {
            if (Ascii.EqualsIgnoreCase(text, type))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>HELP text in 0.0.4 knows only the escapes <c>\\</c> and <c>\n</c>.</summary>
    private static string? HelpEscapeError(ReadOnlySpan<byte> text)
    {
        for (var i = text.IndexOf((byte)'\\'); i >= 0 && i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                continue;
            }

            if (i + 1 >= text.Length || text[i + 1] is not ((byte)'\\' or (byte)'n'))
            {
                return $"invalid escape sequence '\\{(i + 1 < text.Length ? (char)text[i + 1] : ' ')}' in HELP text";
            }

            i++;
        }

        return null;
    }

    private static int SkipBlanks(ReadOnlySpan<byte> line, int position)
    {
        while (position < line.Length && line[position] is (byte)' ' or (byte)'\t')
        {
            position++;
        }

        return position;
    }

    private static ReadOnlySpan<byte> TrimLeadingBlanks(ReadOnlySpan<byte> text) => text[SkipBlanks(text, 0)..];

    /// <summary>Text for an error message: at most 60 characters, control bytes shown as '?'.</summary>
    internal static string Show(ReadOnlySpan<byte> text)
    {
        var shown = Encoding.UTF8.GetString(text.Length > 60 ? text[..60] : text);
        var chars = shown.Select(c => char.IsControl(c) ? '?' : c).ToArray();
        return new string(chars) + (text.Length > 60 ? "…" : "");
    }

    private sealed class FamilyState
    {
        public bool HasHelp { get; set; }

        public string? Type { get; set; }
    }
}
