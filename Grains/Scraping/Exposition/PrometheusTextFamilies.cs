using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// expfmt's bookkeeping of every family in a 0.0.4 body: at most one HELP and one TYPE per name, no TYPE after
/// the family's samples, and which family a suffixed sample belongs to. Only a validating parse
/// (<see cref="FamilySelection.All"/>) keeps it, because it costs a string per family.
/// </summary>
internal sealed class PrometheusTextFamilies
{
    private static readonly (byte[] Suffix, SamplePart Part)[] s_suffixes =
        [("_sum"u8.ToArray(), SamplePart.Sum), ("_count"u8.ToArray(), SamplePart.Count), ("_bucket"u8.ToArray(), SamplePart.Bucket)];

    private readonly Dictionary<string, State> _families = new(StringComparer.Ordinal);

    /// <summary>Records a HELP line; a second one for the same name is an error.</summary>
    public string? Help(ReadOnlySpan<byte> name)
    {
        var family = Family(name);
        if (family.HasHelp)
        {
            return $"second HELP line for metric name '{ErrorText.Show(name)}'";
        }

        family.HasHelp = true;
        return null;
    }

    /// <summary>Records a TYPE line (<paramref name="type"/> null when the word is unknown).</summary>
    public string? Type(ReadOnlySpan<byte> name, string? type, ReadOnlySpan<byte> text)
    {
        var family = Family(name);
        if (family.Type is not null)
        {
            // expfmt gives a family the type "untyped" at its first sample, so both cases land here.
            return $"second TYPE line for metric name '{ErrorText.Show(name)}', or TYPE reported after samples";
        }

        family.Type = type;
        return type is null ? $"unknown metric type '{ErrorText.Show(text)}'" : null;
    }

    /// <summary>
    /// The family a sample belongs to, as expfmt decides: <c>x_sum</c>, <c>x_count</c> (and <c>x_bucket</c>) belong to
    /// <c>x</c> when <c>x</c> is a declared summary (histogram); anything else is its own family, untyped unless declared.
    /// </summary>
    public (string Family, string Type, SamplePart Part) Resolve(ReadOnlySpan<byte> name)
    {
        foreach (var (suffix, part) in s_suffixes)
        {
            if (name.EndsWith(suffix)
                && _families.TryGetValue(Encoding.UTF8.GetString(name[..^suffix.Length]), out var baseFamily)
                && (baseFamily.Type == "histogram" || (baseFamily.Type == "summary" && part != SamplePart.Bucket)))
            {
                return (Encoding.UTF8.GetString(name[..^suffix.Length]), baseFamily.Type, part);
            }
        }

        var own = Family(name);
        own.Type ??= "untyped";
        return (Encoding.UTF8.GetString(name), own.Type, own.Type == "summary" ? SamplePart.None : SamplePart.Value);
    }

    private State Family(ReadOnlySpan<byte> name)
    {
        var key = Encoding.UTF8.GetString(name);
        if (!_families.TryGetValue(key, out var family))
        {
            family = new State();
            _families.Add(key, family);
        }

        return family;
    }

    private sealed class State
    {
        public bool HasHelp { get; set; }

        public string? Type { get; set; }
    }
}
