using System.Globalization;
using System.Text;

namespace OrleansKaitoScaler.Fuzz.Tests.Exposition;

/// <summary>
/// Writes random but valid Prometheus text 0.0.4 bodies, with what real exporters put in them and what the format
/// allows around it: HELP and TYPE lines (any case of type word), counters, gauges, untyped families, histograms and
/// summaries with several series, label values with escapes and delimiters inside, <c>+Inf</c>, <c>NaN</c>, exponents,
/// timestamps, comments, blank lines, blanks around tokens, header-only families and a missing final newline.
/// </summary>
internal static class ValidTextGenerator
{
    private static readonly string[] s_prefixes = ["vllm:", "", "ns_", "_", "a:b:"];
    private static readonly string[] s_words = ["requests", "tokens_total", "latency_seconds", "usage_perc", "x", "Q9"];
    private static readonly string[] s_types = ["counter", "gauge", "histogram", "summary", "untyped", "none"];
    private static readonly string[] s_labelNames = ["model_name", "engine", "a", "_x", "Z9", "le_not", "quantiles", "pod"];

    private static readonly string[] s_values =
    [
        "0", "1", "-1", "42", "0.5", ".5", "5.", "+3", "-0", "1e3", "1.5E-3", "-2.5e+10", "1.7976931348623157e308", "4.9e-324",
        "+Inf", "-Inf", "Inf", "NaN", "123456789012345678901234567890", "0.1", "3.14159",
    ];

    private static readonly string[] s_bounds = ["0.005", "0.01", ".1", "0.5", "1", "1.0", "1e0", "2.5", "10", "1e2", "-1"];

    private static readonly string[] s_labelPieces = ["x", "Qwen/Qwen2.5-1.5B", "\\\\", "\\\"", "\\n", "}", "{", ",", "=", "#", " ", "\t", "é", "☃", "😀", "a b", "le=\\\"1\\\"", ""];

    private static readonly string[] s_helpPieces = ["Number of requests", "\\\\", "\\n", " ", "ünïcode ☃", "{x=\"y\"}", "#", "\t", "1e3"];

    private static readonly string[] s_comments = ["#", "# a comment", "#\tnote", "# TYPEface x gauge", "# HELP", "# TYPE", "# scraped by vLLM 0.6 ☃", "## double"];

    public sealed record Body(string Text, IReadOnlyList<string> FamilyNames);

    public static Body Generate(Random random)
    {
        var lines = new List<string>();
        var names = new List<string>();
        var familyCount = 1 + random.Next(6);
        for (var f = 0; f < familyCount; f++)
        {
            // A unique f<i>_ part keeps one family's name from being another's plus a suffix.
            var name = s_prefixes[random.Next(s_prefixes.Length)] + "f" + f.ToString(CultureInfo.InvariantCulture) + "_" + s_words[random.Next(s_words.Length)];
            names.Add(name);
            var type = s_types[random.Next(s_types.Length)];
            var helpLast = random.Next(4) == 0;
            if (random.Next(3) > 0 && !helpLast)
            {
                lines.Add(Help(random, name));
            }

            if (type != "none")
            {
                var word = random.Next(5) == 0 ? type.ToUpperInvariant() : type;
                lines.Add($"#{Blanks(random, 1)}TYPE{Blanks(random, 1)}{name}{Blanks(random, 1)}{word}");
            }

            var seriesCount = random.Next(5);
            for (var s = 0; s < seriesCount; s++)
            {
                var labels = Labels(random, 3);
                switch (type)
                {
                    case "histogram":
                        var bounds = s_bounds.Where(_ => random.Next(2) == 0).Append("+Inf").ToList();
                        var cumulative = 0;
                        foreach (var bound in bounds)
                        {
                            cumulative += random.Next(5);
                            lines.Add(Sample(random, name + "_bucket", WithLabel(random, labels, "le", bound), cumulative.ToString(CultureInfo.InvariantCulture)));
                        }

                        lines.Add(Sample(random, name + "_sum", labels, Value(random)));
                        lines.Add(Sample(random, name + "_count", labels, cumulative.ToString(CultureInfo.InvariantCulture)));
                        break;
                    case "summary":
                        foreach (var quantile in new[] { "0.5", "0.9", "0.99" }.Where(_ => random.Next(2) == 0))
                        {
                            lines.Add(Sample(random, name, WithLabel(random, labels, "quantile", quantile), Value(random)));
                        }

                        lines.Add(Sample(random, name + "_sum", labels, Value(random)));
                        lines.Add(Sample(random, name + "_count", labels, random.Next(100).ToString(CultureInfo.InvariantCulture)));
                        break;
                    default:
                        lines.Add(Sample(random, name, labels, Value(random)));
                        break;
                }
            }

            if (helpLast)
            {
                lines.Add(Help(random, name));
            }
        }

        // Comments, blank and blank-only lines anywhere; blanks before any line.
        for (var extra = random.Next(4); extra > 0; extra--)
        {
            lines.Insert(random.Next(lines.Count + 1), random.Next(3) switch { 0 => "", 1 => Blanks(random, 1), _ => s_comments[random.Next(s_comments.Length)] });
        }

        var text = string.Join("\n", lines.Select(l => random.Next(10) == 0 ? Blanks(random, 1) + l : l));
        return new Body(random.Next(4) == 0 ? text : text + "\n", names);
    }

    private static string Help(Random random, string name)
    {
        var text = new StringBuilder("h");
        for (var i = random.Next(4); i > 0; i--)
        {
            text.Append(s_helpPieces[random.Next(s_helpPieces.Length)]);
        }

        return $"# HELP {name} {text}";
    }

    private static List<(string Name, string Escaped)> Labels(Random random, int max)
    {
        var labels = new List<(string, string)>();
        foreach (var name in s_labelNames.OrderBy(_ => random.Next()).Take(random.Next(max + 1)))
        {
            var value = new StringBuilder();
            for (var i = random.Next(4); i > 0; i--)
            {
                value.Append(s_labelPieces[random.Next(s_labelPieces.Length)]);
            }

            labels.Add((name, value.ToString()));
        }

        return labels;
    }

    private static List<(string Name, string Escaped)> WithLabel(Random random, List<(string Name, string Escaped)> labels, string name, string value)
    {
        var copy = new List<(string, string)>(labels);
        copy.Insert(random.Next(copy.Count + 1), (name, value));
        return copy;
    }

    private static string Sample(Random random, string name, List<(string Name, string Escaped)> labels, string value)
    {
        var text = new StringBuilder(name);
        if (labels.Count > 0 || random.Next(4) == 0)
        {
            // 0.0.4 allows blanks around label tokens and a trailing comma.
            var pad = random.Next(3) == 0;
            text.Append(pad ? Blanks(random, 0) : "");
            text.Append('{');
            text.Append(string.Join(",", labels.Select(l => pad
                ? $"{Blanks(random, 0)}{l.Name}{Blanks(random, 0)}={Blanks(random, 0)}\"{l.Escaped}\"{Blanks(random, 0)}"
                : $"{l.Name}=\"{l.Escaped}\"")));
            text.Append(labels.Count > 0 && random.Next(4) == 0 ? "," : "");
            text.Append('}');
        }

        text.Append(Blanks(random, 1)).Append(value);
        if (random.Next(4) == 0)
        {
            text.Append(Blanks(random, 1)).Append(random.Next(3) switch { 0 => "1700000000000", 1 => "-5", _ => "0" });
        }

        return text.ToString();
    }

    private static string Value(Random random) => s_values[random.Next(s_values.Length)];

    /// <summary>At least <paramref name="minimum"/> spaces or tabs.</summary>
    private static string Blanks(Random random, int minimum)
    {
        var count = minimum + random.Next(3);
        return new string(Enumerable.Range(0, count).Select(_ => random.Next(3) == 0 ? '\t' : ' ').ToArray());
    }
}
