using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// OpenMetrics 1.0 text, checked strictly: exact spacing, metadata only before a family's samples, families
/// contiguous and not clashing, <c># EOF</c> last, and each type's value rules (<see cref="OpenMetricsFamily"/>).
/// A selective parse applies those rules to the requested families only; other families' lines are checked for
/// shape and otherwise skipped without allocating, as in the text format.
/// </summary>
internal sealed class OpenMetricsParser(FamilyAccumulator sink)
{
    private readonly LabelSet _labels = new();
    private readonly OpenMetricsFamilies _families = new();
    private readonly Dictionary<string, double?> _seriesTimestamps = new(StringComparer.Ordinal);

    public ExpositionError? Parse(ReadOnlySpan<byte> body)
    {
        var reader = new LineReader(body);
        while (reader.Next(out var line, out var terminated))
        {
            string? error;
            if (line.SequenceEqual("# EOF"u8))
            {
                error = _families.Leave();
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

        // An empty body has no line 0: the missing '# EOF' is reported on line 1, where it should have been.
        return new ExpositionError(Math.Max(reader.LineNumber, 1), "missing '# EOF' at the end");
    }

    private string? Metadata(ReadOnlySpan<byte> line)
    {
        var isHelp = line.StartsWith("# HELP "u8);
        var isType = line.StartsWith("# TYPE "u8);
        if (!isHelp && !isType && !line.StartsWith("# UNIT "u8))
        {
            return $"only '# HELP', '# TYPE', '# UNIT' and '# EOF' comments are allowed, not '{ErrorText.Show(line)}'";
        }

        var rest = line[7..];
        var nameLength = Tokens.MetricNameLength(rest);
        if (nameLength == 0 || nameLength >= rest.Length || rest[nameLength] != ' ')
        {
            return $"expected '<metric name> <text>' after '{Encoding.ASCII.GetString(line[..6])}'";
        }

        var text = rest[(nameLength + 1)..];
        if (!sink.IsAll && sink.IndexOf(rest[..nameLength]) < 0)
        {
            // Another family's metadata ends the requested family being read; of the rest only the type word is checked.
            return _families.Leave() ?? (isType && !OpenMetricsFamily.IsType(text) ? $"unknown metric type '{ErrorText.Show(text)}'" : null);
        }

        var name = Encoding.UTF8.GetString(rest[..nameLength]);
        if (_families.Start(name) is { } startError)
        {
            return startError;
        }

        var family = _families.Current!;
        if (family.HasSamples)
        {
            return $"metadata for '{name}' after its samples";
        }

        if (isHelp)
        {
            var repeated = family.HasHelp;
            family.HasHelp = true;
            return repeated ? $"second HELP line for '{name}'" : null;
        }

        return isType ? Type(family, text) : Unit(family, text);
    }

    private string? Type(OpenMetricsFamily family, ReadOnlySpan<byte> text)
    {
        var type = Encoding.UTF8.GetString(text);
        if (!OpenMetricsFamily.IsType(type))
        {
            return $"unknown metric type '{ErrorText.Show(text)}'";
        }

        if (family.HasType)
        {
            return $"second TYPE line for '{family.Name}'";
        }

        if (family.HasUnit && !string.IsNullOrEmpty(family.Unit) && type is "info" or "stateset")
        {
            return $"a {type} cannot have a UNIT";
        }

        sink.Declare(Encoding.UTF8.GetBytes(family.Name), type);
        return _families.SetType(family, type);
    }

    private static string? Unit(OpenMetricsFamily family, ReadOnlySpan<byte> text)
    {
        var unit = Encoding.UTF8.GetString(text);
        if (unit.Length > 0 && (!family.Name.EndsWith("_" + unit, StringComparison.Ordinal) || family.Type is "info" or "stateset"))
        {
            return $"UNIT '{unit}' does not fit family '{family.Name}' (its name must end in _{unit}; info and stateset have none)";
        }

        var repeated = family.HasUnit;
        family.Unit = unit;
        family.HasUnit = true;
        return repeated ? $"second UNIT line for '{family.Name}'" : null;
    }

    private string? Sample(ReadOnlySpan<byte> line)
    {
        var nameLength = Tokens.MetricNameLength(line);
        if (nameLength == 0)
        {
            return $"invalid metric name at the start of '{ErrorText.Show(line)}'";
        }

        var name = line[..nameLength];
        if (!sink.IsAll && !sink.Match(name, out _, out _) && _families.Current?.PartOf(name) is null)
        {
            // Another family's sample: shaped like a sample, it ends the requested family being read.
            return nameLength < line.Length && line[nameLength] is (byte)'{' or (byte)' '
                ? _families.Leave()
                : $"'{ErrorText.Show(line)}' is not a sample: expected a metric name followed by labels or a value";
        }

        var sample = Encoding.UTF8.GetString(name);
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

        if (_families.Current?.PartOf(name) is not { } part)
        {
            if (_families.Start(sample) is { } startError)
            {
                return startError;
            }

            part = _families.Current!.PartOf(name) ?? SamplePart.Value;
        }

        var family = _families.Current!;
        family.HasSamples = true;
        if (fields.HasExemplar)
        {
            if (!family.AllowsExemplar(part, name))
            {
                return $"exemplars are not allowed on '{sample}'";
            }

            if (OpenMetricsExemplar.Check(fields.Exemplar) is { } exemplarError)
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
        var seriesKey = sample + "{" + _labels.Key(line) + "}";
        if (_seriesTimestamps.TryGetValue(seriesKey, out var previous)
            && (previous is null || fields.Timestamp is null || fields.Timestamp < previous))
        {
            return $"series {seriesKey} repeats without increasing timestamps";
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
        else if (sink.Match(line[..sample.Length], out var requested, out var requestedPart))
        {
            // A bucket of an undeclared requested family, with no usable bound, says nothing about the distribution.
            sink.Add(requested, requestedPart == SamplePart.Bucket && bound is null ? SamplePart.None : requestedPart, fields.Value, bound ?? 0);
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
}
