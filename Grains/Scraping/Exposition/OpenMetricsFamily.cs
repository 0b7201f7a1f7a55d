namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// One OpenMetrics metric family while it is being read: its metadata, which sample names it owns, and the
/// per-MetricPoint rules of its type (histogram buckets, counts and sums; summary quantiles; stateset and
/// info values). MetricPoints of a label set must be contiguous.
/// </summary>
internal sealed class OpenMetricsFamily(string name)
{
    private readonly byte[] _utf8Name = System.Text.Encoding.UTF8.GetBytes(name);
    private readonly HashSet<string> _finishedGroups = new(StringComparer.Ordinal);
    private string? _group;
    private Point _point = new();

    public string Name { get; } = name;

    public string Type { get; private set; } = "unknown";

    public bool HasType { get; private set; }

    public bool HasHelp { get; set; }

    public bool HasUnit { get; set; }

    public string? Unit { get; set; }

    public bool HasSamples { get; set; }

    public static bool IsType(string type) =>
        type is "counter" or "gauge" or "histogram" or "gaugehistogram" or "stateset" or "info" or "summary" or "unknown";

    /// <summary>The same test on the TYPE line's bytes, for families a selective parse does not track.</summary>
    public static bool IsType(ReadOnlySpan<byte> type) =>
        type.SequenceEqual("counter"u8) || type.SequenceEqual("gauge"u8) || type.SequenceEqual("histogram"u8)
        || type.SequenceEqual("gaugehistogram"u8) || type.SequenceEqual("stateset"u8) || type.SequenceEqual("info"u8)
        || type.SequenceEqual("summary"u8) || type.SequenceEqual("unknown"u8);

    public void SetType(string type)
    {
        Type = type;
        HasType = true;
    }

    /// <summary>The sample names a family of this type may have.</summary>
    public IEnumerable<string> SampleNames() => Type switch
    {
        "counter" => [Name + "_total", Name + "_created"],
        "histogram" => [Name + "_bucket", Name + "_count", Name + "_sum", Name + "_created"],
        "gaugehistogram" => [Name + "_bucket", Name + "_gcount", Name + "_gsum"],
        "summary" => [Name, Name + "_count", Name + "_sum", Name + "_created"],
        "info" => [Name + "_info"],
        _ => [Name],
    };

    /// <summary>The role of <paramref name="sample"/> in this family, or null when the family does not own that name.</summary>
    public SamplePart? PartOf(ReadOnlySpan<byte> sample)
    {
        if (!sample.StartsWith(_utf8Name))
        {
            return null;
        }

        var suffix = sample[_utf8Name.Length..];
        if (suffix.IsEmpty)
        {
            return Type is "summary" ? SamplePart.None : Type is "counter" or "histogram" or "gaugehistogram" or "info" ? null : SamplePart.Value;
        }

        return Type switch
        {
            "counter" when suffix.SequenceEqual("_total"u8) => SamplePart.Value,
            "counter" or "histogram" or "summary" when suffix.SequenceEqual("_created"u8) => SamplePart.None,
            "histogram" or "gaugehistogram" when suffix.SequenceEqual("_bucket"u8) => SamplePart.Bucket,
            "histogram" or "summary" when suffix.SequenceEqual("_count"u8) => SamplePart.Count,
            "histogram" or "summary" when suffix.SequenceEqual("_sum"u8) => SamplePart.Sum,
            "gaugehistogram" when suffix.SequenceEqual("_gcount"u8) => SamplePart.Count,
            "gaugehistogram" when suffix.SequenceEqual("_gsum"u8) => SamplePart.Sum,
            "info" when suffix.SequenceEqual("_info"u8) => SamplePart.Value,
            _ => null,
        };
    }

    /// <summary>True when an exemplar may follow a sample of this part (counter totals and histogram buckets only).</summary>
    public bool AllowsExemplar(SamplePart part, ReadOnlySpan<byte> sample) =>
        (Type == "counter" && part == SamplePart.Value && sample.EndsWith("_total"u8))
        || (Type is "histogram" or "gaugehistogram" && part == SamplePart.Bucket);

    /// <summary>Checks one sample against its type's rules; <paramref name="group"/> is its label set without le/quantile/state.</summary>
    public string? Accept(string sample, string group, SamplePart part, double value, double? bound, double? quantile, bool hasStateLabel)
    {
        if (group != _group)
        {
            if (FinishGroup() is { } error)
            {
                return error;
            }

            if (!_finishedGroups.Add(group))
            {
                return $"MetricPoints of family '{Name}' with labels {{{group}}} are not contiguous";
            }

            _group = group;
        }

        return Type switch
        {
            "counter" when part == SamplePart.Value && (double.IsNaN(value) || value < 0) => $"counter '{Name}' has value {value}; counters must not be negative or NaN",
            "histogram" or "gaugehistogram" => Histogram(part, value, bound),
            "summary" => Summary(sample == Name, part, value, quantile),
            "stateset" when !hasStateLabel => $"stateset '{Name}' sample has no '{Name}' label",
            "stateset" when value is not (0 or 1) => $"stateset '{Name}' value must be 0 or 1, not {value}",
            "info" when value != 1 => $"info '{Name}' value must be 1, not {value}",
            _ => null,
        };
    }

    /// <summary>Checks the MetricPoint that is open when the family ends or the label set changes.</summary>
    public string? FinishGroup()
    {
        var point = _point;
        _point = new Point();
        if (_group is null || Type is not ("histogram" or "gaugehistogram"))
        {
            return null;
        }

        var sum = Type == "histogram" ? "_sum" : "_gsum";
        var count = Type == "histogram" ? "_count" : "_gcount";
        if (!point.HasInfBucket)
        {
            return $"{Type} '{Name}' has no +Inf bucket";
        }

        if (point.Sum is null != point.Count is null)
        {
            return $"{Type} '{Name}' must have both {sum} and {count} or neither";
        }

        if (point.Count is { } c && c != point.LastBucketCount)
        {
            return $"{Type} '{Name}' {count} {c} differs from its +Inf bucket {point.LastBucketCount}";
        }

        if (Type == "histogram" && point.HasNegativeBucket && point.Sum is not null)
        {
            return $"histogram '{Name}' with negative buckets must not have _sum";
        }

        if (point.Sum < 0 && !point.HasNegativeBucket)
        {
            return $"{Type} '{Name}' {sum} is negative without negative buckets";
        }

        return null;
    }

    private string? Histogram(SamplePart part, double value, double? bound)
    {
        if (double.IsNaN(value))
        {
            return $"{Type} '{Name}' has a NaN value";
        }

        switch (part)
        {
            case SamplePart.Bucket:
                if (bound is not { } le)
                {
                    return $"{Type} '{Name}' bucket has no valid 'le' label";
                }

                if (value < 0 || value < _point.LastBucketCount)
                {
                    return $"{Type} '{Name}' bucket counts must be non-negative and cumulative";
                }

                if (_point.HasBucket && le <= _point.LastBound)
                {
                    return $"{Type} '{Name}' buckets must be in increasing 'le' order";
                }

                _point.HasBucket = true;
                _point.LastBound = le;
                _point.LastBucketCount = value;
                _point.HasNegativeBucket |= le < 0;
                _point.HasInfBucket |= double.IsPositiveInfinity(le);
                return null;
            case SamplePart.Count:
                _point.Count = value;
                return value < 0 ? $"{Type} '{Name}' count must not be negative" : null;
            case SamplePart.Sum:
                _point.Sum = value;
                return null;
            default:
                return null;
        }
    }

    private string? Summary(bool quantileSample, SamplePart part, double value, double? quantile)
    {
        if (quantileSample && quantile is null)
        {
            return $"summary '{Name}' sample needs a 'quantile' label between 0 and 1";
        }

        return part switch
        {
            SamplePart.Sum or SamplePart.Count when double.IsNaN(value) || value < 0 => $"summary '{Name}' _sum and _count must not be negative or NaN",
            SamplePart.None when quantileSample && value < 0 => $"summary '{Name}' quantile values must not be negative",
            _ => null,
        };
    }

    private sealed class Point
    {
        public bool HasBucket { get; set; }

        public double LastBound { get; set; }

        public double LastBucketCount { get; set; }

        public bool HasInfBucket { get; set; }

        public bool HasNegativeBucket { get; set; }

        public double? Sum { get; set; }

        public double? Count { get; set; }
    }
}
