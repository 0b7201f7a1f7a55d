using System.Globalization;
using System.Text;

namespace OrleansKaitoScaler.Fuzz.Tests.Exposition;

/// <summary>
/// A deliberately plain reader of valid Prometheus text 0.0.4, to check the real parser against: strings, one line at
/// a time, no spans and no shortcuts. It assumes its input is valid (it is only given generated valid bodies) and
/// computes what the scaler wants from a body: per family the sum of its values, and for histograms and summaries
/// the summed <c>_sum</c>, <c>_count</c> and per-bound buckets. Families are resolved as expfmt does: <c>x_sum</c>,
/// <c>x_count</c>, <c>x_bucket</c> belong to <c>x</c> only when <c>x</c> is declared a histogram (or a summary, without
/// buckets); every other sample name is its own family.
/// </summary>
internal static class ReferenceTextParser
{
    public sealed class Family
    {
        public double Value { get; set; }

        public bool HasHistogram { get; set; }

        public double Sum { get; set; }

        public double Count { get; set; }

        public Dictionary<double, double> Buckets { get; } = [];
    }

    public static Dictionary<string, Family> Parse(string body)
    {
        var types = new Dictionary<string, string>();
        var families = new Dictionary<string, Family>();
        foreach (var rawLine in body.Split('\n'))
        {
            var line = rawLine.TrimStart(' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var words = line[1..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 3 && words[0] == "TYPE")
                {
                    types[words[1]] = words[2].ToLowerInvariant();
                }

                continue;
            }

            var (name, labels, value) = ReadSample(line);
            var (familyName, part) = Resolve(name, types);
            if (!families.TryGetValue(familyName, out var family))
            {
                family = new Family();
                families.Add(familyName, family);
            }

            switch (part)
            {
                case "value":
                    family.Value += value;
                    break;
                case "sum":
                    family.HasHistogram = true;
                    family.Sum += value;
                    break;
                case "count":
                    family.HasHistogram = true;
                    family.Count += value;
                    break;
                case "bucket":
                    family.HasHistogram = true;
                    if (labels.TryGetValue("le", out var le))
                    {
                        var bound = ReadNumber(le);
                        family.Buckets[bound] = family.Buckets.GetValueOrDefault(bound) + value;
                    }

                    break;
            }
        }

        return families;
    }

    /// <summary>The same canonical text as <see cref="ParseOutcome.Describe"/>, for the families in <paramref name="only"/> (all when null).</summary>
    public static string Describe(Dictionary<string, Family> families, IReadOnlyCollection<string>? only = null)
    {
        var builder = new StringBuilder();
        foreach (var (name, family) in families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (only is not null && !only.Contains(name))
            {
                continue;
            }

            builder.Append(name).Append(" = ").Append(ParseOutcome.Number(family.Value));
            if (family.HasHistogram)
            {
                builder.Append(" sum ").Append(ParseOutcome.Number(family.Sum)).Append(" count ").Append(ParseOutcome.Number(family.Count)).Append(" buckets");
                foreach (var (bound, count) in family.Buckets.OrderBy(b => b.Key))
                {
                    builder.Append(' ').Append(ParseOutcome.Number(bound)).Append(':').Append(ParseOutcome.Number(count));
                }
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    private static (string Family, string Part) Resolve(string name, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_sum", "_count", "_bucket" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)
                && types.TryGetValue(name[..^suffix.Length], out var baseType)
                && (baseType == "histogram" || (baseType == "summary" && suffix != "_bucket")))
            {
                return (name[..^suffix.Length], suffix[1..]);
            }
        }

        return (name, types.GetValueOrDefault(name) == "summary" ? "none" : "value");
    }

    /// <summary>Reads <c>name{labels} value [timestamp]</c>, character by character.</summary>
    private static (string Name, Dictionary<string, string> Labels, double Value) ReadSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ' or '\t'))
        {
            i++;
        }

        var name = line[..i];
        var labels = new Dictionary<string, string>();
        i = SkipBlanks(line, i);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                i = SkipBlanks(line, i);
                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                var nameStart = i;
                while (line[i] is not ('=' or ' ' or '\t'))
                {
                    i++;
                }

                var labelName = line[nameStart..i];
                i = SkipBlanks(line, i) + 1; // '='
                i = SkipBlanks(line, i) + 1; // opening quote
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                labels.Add(labelName, value.ToString());
                i = SkipBlanks(line, i + 1);
                if (line[i] == ',')
                {
                    i++;
                }
            }
        }

        var fields = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return (name, labels, ReadNumber(fields[0]));
    }

    private static int SkipBlanks(string line, int i)
    {
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static double ReadNumber(string text) => text switch
    {
        "+Inf" or "Inf" or "+inf" or "inf" => double.PositiveInfinity,
        "-Inf" or "-inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
