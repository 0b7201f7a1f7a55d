namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// Collects the requested families while a body is parsed: scalar samples summed over every series,
/// histogram <c>_sum</c>/<c>_count</c> summed and buckets summed per bound (for the families the selection keeps
/// buckets of). Decides which sample belongs to
/// which requested family (<see cref="Match"/>), so a parser only fully reads the lines that matter.
/// </summary>
internal sealed class FamilyAccumulator
{
    private readonly FamilySelection _selection;
    private readonly IReadOnlyList<string> _names;
    private readonly byte[][] _utf8;
    private readonly string?[] _declaredTypes;
    private readonly bool[] _firstBytes = new bool[256];
    private readonly Entry?[] _requested;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public FamilyAccumulator(FamilySelection selection)
    {
        IsAll = selection.IsAll;
        _selection = selection;
        _names = selection.Names;
        _requested = new Entry?[_names.Count];
        _utf8 = selection.Utf8Names;
        _declaredTypes = new string?[_names.Count];
        foreach (var name in _utf8.Where(n => n.Length > 0))
        {
            _firstBytes[name[0]] = true;
        }
    }

    /// <summary>Every family is wanted (validation and tests); the parser resolves families itself.</summary>
    public bool IsAll { get; }

    /// <summary>How many families were requested (0 for <see cref="FamilySelection.All"/>).</summary>
    public int Count => _utf8.Length;

    /// <summary>The UTF-8 length of requested family <paramref name="family"/>'s name: a matched sample this long is named exactly so.</summary>
    public int NameLength(int family) => _utf8[family].Length;

    /// <summary>Remembers a requested family's declared <c>TYPE</c>, which decides what its suffixes mean.</summary>
    public void Declare(ReadOnlySpan<byte> name, string type)
    {
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (name.SequenceEqual(_utf8[i]))
            {
                _declaredTypes[i] = type;
            }
        }
    }

    /// <summary>The index of the requested family named exactly <paramref name="name"/>, or -1: decides whether a metadata line matters.</summary>
    public int IndexOf(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || !_firstBytes[name[0]])
        {
            return -1;
        }

        for (var i = 0; i < _utf8.Length; i++)
        {
            if (name.SequenceEqual(_utf8[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Which requested family a sample name feeds, and how: <c>N</c> is its value; <c>N_total</c> is the value of
    /// a counter <c>N</c> (<c>N_info</c> of an info <c>N</c>); <c>N_sum</c>, <c>N_count</c>, <c>N_bucket</c> (and <c>_gsum</c>, <c>_gcount</c>) are the parts
    /// of a histogram or summary <c>N</c>, or of an untyped one; <c>_created</c> feeds nothing. Allocates nothing,
    /// since every sample line of a selective parse goes through here.
    /// </summary>
    public bool Match(ReadOnlySpan<byte> sampleName, out int family, out SamplePart part)
    {
        family = -1;
        part = SamplePart.None;
        if (sampleName.IsEmpty || !_firstBytes[sampleName[0]])
        {
            return false;
        }

        for (var i = 0; i < _utf8.Length; i++)
        {
            if (sampleName.SequenceEqual(_utf8[i]))
            {
                family = i;
                part = _declaredTypes[i] == "summary" ? SamplePart.None : SamplePart.Value;
                return true;
            }
        }

        for (var i = 0; i < _utf8.Length; i++)
        {
            var name = _utf8[i];
            if (sampleName.Length > name.Length && sampleName.StartsWith(name) && SuffixPart(sampleName[name.Length..], _declaredTypes[i]) is { } suffixPart)
            {
                family = i;
                part = suffixPart;
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds a sample of requested family <paramref name="family"/> (from <see cref="Match"/>).</summary>
    public void Add(int family, SamplePart part, double value, double upperBound)
    {
        var entry = _requested[family] ??= new Entry();
        if (part == SamplePart.Bucket && !_selection.KeepsBuckets(family))
        {
            // Still a histogram (so a plain sum over it is refused as everywhere else), without the buckets.
            entry.HasHistogram = true;
            return;
        }

        Add(entry, part, value, upperBound);
    }

    /// <summary>Adds a sample to the named family (used when every family is wanted).</summary>
    public void Add(string family, SamplePart part, double value, double upperBound)
    {
        if (!_entries.TryGetValue(family, out var entry))
        {
            entry = new Entry();
            _entries.Add(family, entry);
        }

        Add(entry, part, value, upperBound);
    }

    /// <summary>
    /// The families found, by name: for a selection, one compact map whose name slots are the selection's (a window
    /// holds one per endpoint and round); for <see cref="FamilySelection.All"/>, a dictionary.
    /// </summary>
    public IReadOnlyDictionary<string, FamilyValue> Build()
    {
        if (!IsAll)
        {
            var values = new FamilyValue?[_requested.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = _requested[i] is { } entry ? entry.ToValue() : null;
            }

            return new FamilyValues(_names, values);
        }

        var result = new Dictionary<string, FamilyValue>(_entries.Count, StringComparer.Ordinal);
        foreach (var (name, entry) in _entries)
        {
            result.Add(name, entry.ToValue());
        }

        return result;
    }

    private static void Add(Entry entry, SamplePart part, double value, double upperBound)
    {
        switch (part)
        {
            case SamplePart.Value:
                entry.Value += value;
                break;
            case SamplePart.Sum:
                entry.HasHistogram = true;
                entry.Sum += value;
                break;
            case SamplePart.Count:
                entry.HasHistogram = true;
                entry.Count += value;
                break;
            case SamplePart.Bucket:
                entry.HasHistogram = true;
                entry.Buckets ??= [];
                entry.Buckets[upperBound] = entry.Buckets.GetValueOrDefault(upperBound) + value;
                break;
            case SamplePart.None:
                break;
        }
    }

    /// <summary>
    /// The part a suffixed sample plays in a family of the declared type: each type's own sample names
    /// (a gaugehistogram has <c>_gsum</c>/<c>_gcount</c>, not <c>_sum</c>/<c>_count</c>). A family with no TYPE, or
    /// untyped/unknown, takes <c>_sum</c>/<c>_count</c>/<c>_bucket</c>: many exporters omit the TYPE line.
    /// </summary>
    private static SamplePart? SuffixPart(ReadOnlySpan<byte> suffix, string? declaredType)
    {
        // An OpenMetrics counter x is exposed as x_total, an info x as x_info.
        if (suffix.SequenceEqual("_total"u8))
        {
            return declaredType == "counter" ? SamplePart.Value : null;
        }

        if (suffix.SequenceEqual("_info"u8))
        {
            return declaredType == "info" ? SamplePart.Value : null;
        }

        if (suffix.SequenceEqual("_created"u8))
        {
            return declaredType is "counter" or "histogram" or "summary" ? SamplePart.None : null;
        }

        var classic = declaredType is null or "histogram" or "summary" or "untyped" or "unknown";
        var gauge = declaredType == "gaugehistogram";
        if (suffix.SequenceEqual(gauge ? "_gsum"u8 : "_sum"u8))
        {
            return classic || gauge ? SamplePart.Sum : null;
        }

        if (suffix.SequenceEqual(gauge ? "_gcount"u8 : "_count"u8))
        {
            return classic || gauge ? SamplePart.Count : null;
        }

        return suffix.SequenceEqual("_bucket"u8) && (gauge || (classic && declaredType != "summary")) ? SamplePart.Bucket : null;
    }

    private sealed class Entry
    {
        public double Value;
        public double Sum;
        public double Count;
        public bool HasHistogram;
        public Dictionary<double, double>? Buckets;

        public FamilyValue ToValue() => new(
            Value,
            HasHistogram
                ? new HistogramValue(Sum, Count, Buckets is null ? [] : Buckets.OrderBy(b => b.Key).Select(b => new HistogramBucket(b.Key, b.Value)).ToArray())
                : null);
    }
}
