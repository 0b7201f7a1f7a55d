using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// OpenMetrics 1.0 text, checked strictly: exact spacing, metadata only before a family's samples, families
/// contiguous and not clashing, <c># EOF</c> last, and each type's value rules (<see cref="OpenMetricsFamily"/>).
/// Every line is validated whatever families are requested: OpenMetrics is rare from vLLM, correctness first.
/// </summary>
internal sealed class OpenMetricsParser(FamilyAccumulator sink)
{
    private const int MaxExemplarLabelRunes = 128;
    private readonly LabelSet _labels = new();
    private readonly Dictionary<string, OpenMetricsFamily> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenMetricsFamily> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double?> _seriesTimestamps = new(StringComparer.Ordinal);
    private OpenMetricsFamily? _current;

    public ExpositionError? Parse(ReadOnlySpan<byte> body)
    {
        var reader = new LineReader(body);
        while (reader.Next(out var line, out var terminated))
        {
            string? error;
            if (line.SequenceEqual("# EOF"u8))
            {
                error = _current?.FinishGroup();
                if (error is null && !reader.Rest.IsEmpty)
                {
                    return new ExpositionError(reader.LineNumber + 1, "text after '# EOF'");
                }

                return error is null ? null : new ExpositionError(reader.LineNumber, error);
            }

            error = !terminated ? "the last line is not '# EOF'"
                : line.IsEmpty ? "blank lines are not allowed"
                : line[0] == '#' ? Metadata(line)
                : Sample(line);
            if (error is not null)
            {
                return new ExpositionError(reader.LineNumber, error);
            }
        }

        return new ExpositionError(reader.LineNumber, "missing '# EOF' at the end");
    }

    private string? Metadata(ReadOnlySpan<byte> line)
    {
        var isHelp = line.StartsWith("# HELP "u8);
        var isType = line.StartsWith("# TYPE "u8);
        if (!isHelp && !isType && !line.StartsWith("# UNIT "u8))
        {
            return $"only '# HELP', '# TYPE', '# UNIT' and '# EOF' comments are allowed, not '{PrometheusTextParser.Show(line)}'";
        }

        var rest = line[7..];
        var nameLength = Tokens.MetricNameLength(rest);
        if (nameLength == 0 || nameLength >= rest.Length || rest[nameLength] != ' ')
        {
            return $"expected '<metric name> <text>' after '{Encoding.ASCII.GetString(line[..6])}'";
        }

        var name = Encoding.UTF8.GetString(rest[..nameLength]);
        var text = rest[(nameLength + 1)..];
        if (StartFamily(name) is { } startError)
        {
            return startError;
        }

        var family = _current!;
        if (family.HasSamples)
        {
            return $"metadata for '{name}' after its samples";
        }

        if (isHelp)
        {
            return Once(family.HasHelp, "HELP", name, () => family.HasHelp = true);
        }

        if (isType)
        {
            var type = Encoding.UTF8.GetString(text);
            if (!OpenMetricsFamily.IsType(type))
            {
                return $"unknown metric type '{PrometheusTextParser.Show(text)}'";
            }

            if (family.HasType)
            {
                return $"second TYPE line for '{name}'";
            }

            if (family.HasUnit && !string.IsNullOrEmpty(family.Unit) && type is "info" or "stateset")
            {
                return $"a {type} cannot have a UNIT";
            }

            Unclaim(family);
            family.SetType(type);
            sink.Declare(rest[..nameLength], type);
            return Claim(family);
        }

        var unit = Encoding.UTF8.GetString(text);
        if (unit.Length > 0 && (!name.EndsWith("_" + unit, StringComparison.Ordinal) || family.Type is "info" or "stateset"))
        {
            return $"UNIT '{unit}' does not fit family '{name}' (its name must end in _{unit}; info and stateset have none)";
        }

        family.Unit = unit;
        return Once(family.HasUnit, "UNIT", name, () => family.HasUnit = true);
    }

    private string? Sample(ReadOnlySpan<byte> line)
    {
        var nameLength = Tokens.MetricNameLength(line);
        if (nameLength == 0)
        {
            return $"invalid metric name at the start of '{PrometheusTextParser.Show(line)}'";
        }

        var sample = Encoding.UTF8.GetString(line[..nameLength]);
        var position = nameLength;
        _labels.Clear();
        if (position < line.Length && line[position] == '{')
        {
            if (LabelParser.Parse(line, position + 1, openMetrics: true, _labels, out position) is { } labelError)
            {
                return labelError;
            }

            if (_labels.HasDuplicate(line))
            {
                return $"duplicate label names on '{sample}'";
            }
        }

        if (position >= line.Length || line[position] != ' ')
        {
            return $"expected one space and a value after '{sample}'";
        }

        var fields = new SampleFields(line[(position + 1)..]);
        if (fields.Error is { } fieldError)
        {
            return fieldError;
        }

        if (_current?.PartOf(sample) is not { } part)
        {
            if (StartFamily(sample) is { } startError)
            {
                return startError;
            }

            part = _current!.PartOf(sample) ?? SamplePart.Value;
        }

        var family = _current!;
        family.HasSamples = true;
        if (fields.HasExemplar)
        {
            if (!family.AllowsExemplar(part, sample))
            {
                return $"exemplars are not allowed on '{sample}'";
            }

            if (ExemplarError(fields.Exemplar) is { } exemplarError)
            {
                return exemplarError;
            }
        }

        return Record(line, family, sample, part, fields);
    }

    private string? Record(ReadOnlySpan<byte> line, OpenMetricsFamily family, string sample, SamplePart part, SampleFields fields)
    {
        var bound = Bound(line, "le"u8, infinityAllowed: true);
        var quantile = Bound(line, "quantile"u8, infinityAllowed: false) is { } q && q is >= 0 and <= 1 ? q : (double?)null;
        var excluded = family.Type switch
        {
            "histogram" or "gaugehistogram" when part == SamplePart.Bucket => "le"u8,
            "summary" when sample == family.Name => "quantile"u8,
            "stateset" => Encoding.UTF8.GetBytes(family.Name),
            _ => default,
        };
        var labelsKey = _labels.Key(line);
        var seriesKey = sample + "{" + labelsKey + "}";
        if (_seriesTimestamps.TryGetValue(seriesKey, out var previous))
        {
            if (previous is null || fields.Timestamp is null || fields.Timestamp < previous)
            {
                return $"series {seriesKey} repeats without increasing timestamps";
            }
        }

        _seriesTimestamps[seriesKey] = fields.Timestamp;
        var hasStateLabel = family.Type == "stateset" && _labels.IndexOf(line, Encoding.UTF8.GetBytes(family.Name)) >= 0;
        var group = _labels.Key(line, excluded) + "@" + fields.Timestamp;
        if (family.Accept(sample, group, part, fields.Value, bound, quantile, hasStateLabel) is { } error)
        {
            return error;
        }

        if (sink.IsAll)
        {
            sink.Add(family.Name, part, fields.Value, bound ?? 0);
        }
        else if (sink.Match(Encoding.UTF8.GetBytes(sample), out var requested, out var requestedPart))
        {
            sink.Add(requested, requestedPart, fields.Value, bound ?? 0);
        }

        return null;
    }

    /// <summary>A float label (<c>le</c>, <c>quantile</c>) in canonical OpenMetrics form: infinity only as "+Inf".</summary>
    private double? Bound(ReadOnlySpan<byte> line, ReadOnlySpan<byte> label, bool infinityAllowed)
    {
        var index = _labels.IndexOf(line, label);
        if (index < 0)
        {
            return null;
        }

        var raw = _labels[index].RawValue(line);
        if (raw.SequenceEqual("+Inf"u8))
        {
            return infinityAllowed ? double.PositiveInfinity : null;
        }

        return Tokens.TryParseDecimal(raw, out var value) ? value : null;
    }

    /// <summary>Makes <paramref name="name"/> the current family, starting it if new; a name seen before, or owned by another family, is an error.</summary>
    private string? StartFamily(string name)
    {
        if (_current?.Name == name)
        {
            return null;
        }

        if (_current?.FinishGroup() is { } unfinished)
        {
            return unfinished;
        }

        if (_families.ContainsKey(name) || _claims.ContainsKey(name))
        {
            return $"family '{name}' is not contiguous or clashes with another family's samples";
        }

        _current = new OpenMetricsFamily(name);
        _families.Add(name, _current);
        return Claim(_current);
    }

    private string? Claim(OpenMetricsFamily family)
    {
        foreach (var sample in family.SampleNames())
        {
            if (_claims.TryGetValue(sample, out var owner) && owner != family)
            {
                return $"samples named '{sample}' would belong to both '{owner.Name}' and '{family.Name}'";
            }

            _claims[sample] = family;
        }

        return null;
    }

    private void Unclaim(OpenMetricsFamily family)
    {
        foreach (var sample in family.SampleNames())
        {
            _claims.Remove(sample);
        }
    }

    private static string? Once(bool seen, string what, string name, Action mark)
    {
        if (seen)
        {
            return $"second {what} line for '{name}'";
        }

        mark();
        return null;
    }

    private static string? ExemplarError(ReadOnlySpan<byte> exemplar)
    {
        var labels = new LabelSet();
        if (exemplar.IsEmpty || exemplar[0] != '{' || LabelParser.Parse(exemplar, 1, openMetrics: true, labels, out var end) is not null)
        {
            return "malformed exemplar label set";
        }

        var runes = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            runes += Encoding.UTF8.GetCharCount(labels[i].Name(exemplar)) + CountRunes(labels[i].RawValue(exemplar));
        }

        if (runes > MaxExemplarLabelRunes)
        {
            return $"exemplar labels have {runes} characters; at most {MaxExemplarLabelRunes} are allowed";
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
            return $"invalid exemplar value '{PrometheusTextParser.Show(value)}'";
        }

        return space >= 0 && !Tokens.TryParseDecimal(parts[(space + 1)..], out _)
            ? $"invalid exemplar timestamp '{PrometheusTextParser.Show(parts[(space + 1)..])}'"
            : null;
    }

    private static int CountRunes(ReadOnlySpan<byte> text)
    {
        var count = 0;
        foreach (var _ in Encoding.UTF8.GetString(text).EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
