using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// Prometheus text format 0.0.4, with the rules of Go's <c>expfmt</c> text parser (what Prometheus, promtool
/// and the Go scaler use). When only some families are requested, other sample lines are checked just for a
/// valid metric name followed by labels or a value before the vectorised skip to the next line, so they cost
/// no allocation; the requested families' lines and metadata are checked in full.
/// </summary>
/// <remarks>
/// One deliberate difference from <c>expfmt</c>: a last line without a final newline is accepted, because real
/// vLLM captures end that way.
/// </remarks>
internal sealed class PrometheusTextParser
{
    private static readonly string[] s_types = ["counter", "gauge", "histogram", "summary", "untyped"];
    private readonly LabelSet _labels = new();
    private readonly FamilyAccumulator _sink;
    private readonly PrometheusTextFamilies? _all;
    private readonly RequestedMetadata[] _requested;

    public PrometheusTextParser(FamilyAccumulator sink)
    {
        _sink = sink;
        _all = sink.IsAll ? new PrometheusTextFamilies() : null;
        _requested = new RequestedMetadata[sink.Count];
    }

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
        var rest = Tokens.TrimBlanksStart(line[1..]);
        var keywordEnd = rest.IndexOfAny((byte)' ', (byte)'\t');
        var keyword = keywordEnd < 0 ? rest : rest[..keywordEnd];
        var isHelp = keyword.SequenceEqual("HELP"u8);
        if (!isHelp && !keyword.SequenceEqual("TYPE"u8))
        {
            return null;
        }

        rest = keywordEnd < 0 ? default : Tokens.TrimBlanksStart(rest[keywordEnd..]);
        if (rest.IsEmpty)
        {
            return null;
        }

        var nameLength = Tokens.MetricNameLength(rest);
        if (nameLength == 0 || (nameLength < rest.Length && rest[nameLength] is not ((byte)' ' or (byte)'\t')))
        {
            return $"invalid metric name in {(isHelp ? "HELP" : "TYPE")} line: '{ErrorText.Show(rest)}'";
        }

        var name = rest[..nameLength];
        // Trailing blanks stay: expfmt reads "gauge " as an unknown type.
        var text = Tokens.TrimBlanksStart(rest[nameLength..]);
        if (text.IsEmpty)
        {
            // expfmt reads "# HELP name" and "# TYPE name" with nothing after the name as plain comments.
            return null;
        }

        if (_all is not null)
        {
            return isHelp ? _all.Help(name) ?? HelpEscapeError(text) : _all.Type(name, ParseType(text), text);
        }

        var requested = _sink.IndexOf(name);
        if (requested < 0)
        {
            // Another family's metadata: only the type word is checked, which costs nothing.
            return isHelp || ParseType(text) is not null ? null : $"unknown metric type '{ErrorText.Show(text)}'";
        }

        return isHelp ? RequestedHelp(requested, name, text) : RequestedType(requested, name, text);
    }

    private string? RequestedHelp(int requested, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text)
    {
        if (_requested[requested].HasHelp)
        {
            return $"second HELP line for metric name '{ErrorText.Show(name)}'";
        }

        _requested[requested].HasHelp = true;
        return HelpEscapeError(text);
    }

    private string? RequestedType(int requested, ReadOnlySpan<byte> name, ReadOnlySpan<byte> text)
    {
        if (_requested[requested].HasType || _requested[requested].HasSamples)
        {
            return $"second TYPE line for metric name '{ErrorText.Show(name)}', or TYPE reported after samples";
        }

        _requested[requested].HasType = true;
        if (ParseType(text) is not { } type)
        {
            return $"unknown metric type '{ErrorText.Show(text)}'";
        }

        _sink.Declare(name, type);
        return null;
    }

    private string? Sample(ReadOnlySpan<byte> line)
    {
        var nameLength = Tokens.MetricNameLength(line);
        if (nameLength == 0)
        {
            return $"invalid metric name at the start of '{ErrorText.Show(line)}'";
        }

        var name = line[..nameLength];
        int requested = -1;
        var part = SamplePart.None;
        if (_all is null && !_sink.Match(name, out requested, out part))
        {
            // Not wanted: only make sure the line is shaped like a sample, then skip it.
            return nameLength < line.Length && line[nameLength] is (byte)'{' or (byte)' ' or (byte)'\t'
                ? null
                : $"'{ErrorText.Show(line)}' is not a sample: expected a metric name followed by labels or a value";
        }

        var exact = requested >= 0 && nameLength == _sink.NameLength(requested);
        if (exact)
        {
            // expfmt opens the family at its first sample; a TYPE after this is an error.
            _requested[requested].HasSamples = true;
        }

        var position = Tokens.SkipBlanks(line, nameLength);
        _labels.Clear();
        if (position < line.Length && line[position] == '{')
        {
            if (LabelParser.Parse(line, position + 1, openMetrics: false, _labels, out position) is { } labelError)
            {
                return labelError;
            }

            if (_labels.HasDuplicate(line))
            {
                return $"duplicate label names for metric '{ErrorText.Show(name)}'";
            }

            position = Tokens.SkipBlanks(line, position);
        }

        if (ValueError(line[position..], name, out var value) is { } valueError)
        {
            return valueError;
        }

        return _all is not null ? Record(line, name, value) : Add(line, requested, part, exact, value);
    }

    /// <summary>Reads <c>value [timestamp]</c>: a Go float, then an optional int64 of milliseconds, nothing more.</summary>
    private static string? ValueError(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name, out double value)
    {
        value = 0;
        var valueEnd = text.IndexOfAny((byte)' ', (byte)'\t');
        var valueText = valueEnd < 0 ? text : text[..valueEnd];
        if (valueText.IsEmpty)
        {
            return $"metric '{ErrorText.Show(name)}' has no value";
        }

        if (!Tokens.TryParseGoFloat(valueText, out value))
        {
            return $"expected float as value, got '{ErrorText.Show(valueText)}'";
        }

        if (valueEnd < 0)
        {
            return null;
        }

        var timestampText = Tokens.TrimBlanksStart(text[valueEnd..]);
        var timestampEnd = timestampText.IndexOfAny((byte)' ', (byte)'\t');
        var timestamp = timestampEnd < 0 ? timestampText : timestampText[..timestampEnd];
        if (!Tokens.TryParseInt64(timestamp, out _))
        {
            return $"expected integer as timestamp, got '{ErrorText.Show(timestamp)}'";
        }

        return timestampEnd >= 0 ? $"spurious string after timestamp: '{ErrorText.Show(timestampText[timestampEnd..])}'" : null;
    }

    /// <summary>Adds a requested sample; a bucket's bound comes from its <c>le</c> label.</summary>
    private string? Add(ReadOnlySpan<byte> line, int requested, SamplePart part, bool exact, double value)
    {
        // A sample named exactly like a requested summary is a quantile, which contributes nothing but must be a float.
        if (exact && part == SamplePart.None && _labels.IndexOf(line, "quantile"u8) >= 0 && !_labels.TryGetFloat(line, "quantile"u8, out _))
        {
            return $"expected float as value for 'quantile' label: '{ErrorText.Show(line)}'";
        }

        var bound = 0.0;
        if (part == SamplePart.Bucket && _labels.IndexOf(line, "le"u8) < 0)
        {
            // expfmt accepts a bucket with no bound; it says nothing about the distribution, so it adds nothing.
            part = SamplePart.None;
        }
        else if (part == SamplePart.Bucket && !_labels.TryGetFloat(line, "le"u8, out bound))
        {
            return $"expected float as value for 'le' label: '{ErrorText.Show(line)}'";
        }

        _sink.Add(requested, part, value, bound);
        return null;
    }

    /// <summary>Full validation: resolves the sample's family the way expfmt does and checks le/quantile labels.</summary>
    private string? Record(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name, double value)
    {
        var (family, type, part) = _all!.Resolve(name);
        var hasLe = _labels.IndexOf(line, "le"u8) >= 0;
        var bound = 0.0;
        if (type == "histogram" && part == SamplePart.Bucket && hasLe && !_labels.TryGetFloat(line, "le"u8, out bound))
        {
            return $"expected float as value for 'le' label: '{ErrorText.Show(line)}'";
        }

        if (type == "summary" && part == SamplePart.None && _labels.IndexOf(line, "quantile"u8) >= 0 && !_labels.TryGetFloat(line, "quantile"u8, out _))
        {
            return $"expected float as value for 'quantile' label: '{ErrorText.Show(line)}'";
        }

        _sink.Add(family, part == SamplePart.Bucket && !hasLe ? SamplePart.None : part, value, bound);
        return null;
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

    /// <summary>What expfmt remembers about a requested family's metadata, kept without a per-family string.</summary>
    private struct RequestedMetadata
    {
        public bool HasHelp;
        public bool HasType;
        public bool HasSamples;
    }
}
