using System.Globalization;
using System.Text;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;

namespace OrleansKaitoScaler.Fuzz.Tests.Provisioning;

/// <summary>
/// <c>scaledobject.kaito.sh/*</c> annotations as people write them by hand: the simple and the composite form,
/// valid and borderline numbers, garbage, and a <c>metrics</c> YAML that is sometimes valid, sometimes damaged
/// (bad indentation, tabs, anchors and aliases, tags, duplicate keys, several documents, deep nesting).
/// </summary>
internal static class AnnotationGenerator
{
    private static readonly string[] s_enabled = ["true", "true", "true", "true", "true", "true", "True", " true", "false", ""];

    private static readonly string[] s_numbers =
    [
        "1", "2", "3", "10", "0", "-1", "+3", " 4 ", "3.0", "1e3", "٣", "99999999999999999999", "2147483647", "2147483648", "-9223372036854775808",
        "0x10", "", " ", "ten", "\ud800", "1\n2",
    ];

    private static readonly string[] s_thresholds = ["10", "0.5", "1e3", "0", "-1", "NaN", "Infinity", "1e400", "4.9e-324", "abc", " 5 ", "1,5", ""];

    private static readonly string[] s_metricNames = ["vllm:num_requests_waiting", "vllm:gpu_cache_usage_perc", "readiness_gate", "x y", "9lives", "é☃", "", "a-b", "a_b"];

    private static readonly string[] s_yamlScalars =
    [
        "10", "0.5", "-1", "1e3", "1e400", ".inf", "-.inf", ".nan", "0x10", "0o17", "~", "null", "true", "\"10\"", "'x'", "!!str 10", "!!float 3",
        "!!binary aGVsbG8=", "[]", "{}", "[1, 2]", "{a: b}", "*undefined", "&anchor 5", "|\n      block", "\"\\u0000\"", "\"é☃\"", "300", "86401", "0",
    ];

    private static readonly string[] s_fields = ["name", "type", "source", "upthreshold", "downthreshold", "metriccachewindow", "aggregation", "quantile", "UpThreshold", "NAME", "unknown"];

    private static readonly string[] s_types = ["gauge", "histogram", "counter", "Gauge", "summary", "\"gauge\""];

    private static readonly string[] s_aggregations = ["max", "quantile", "rate", "service-avg", "windowed-avg", "sum", "gate"];

    private static readonly string[] s_brokenYaml =
    [
        "- name: a\n\ttype: gauge", "- name: [unclosed", "- {name: a, type: gauge, upthreshold: 1, downthreshold: 0}\n---\n- x", "---\n---",
        "&a [*a]", "&a {name: *a, type: gauge, upthreshold: 1, downthreshold: 0}", "- &m {name: a, type: gauge, upthreshold: 2, downthreshold: 1}\n- *m",
        "- name: a\n  name: b\n  type: gauge\n  upthreshold: 1\n  downthreshold: 0", "- ? [a]\n  : b", "%YAML 1.1\n---\n- a", "%TAG ! tag:x,2000:\n--- !foo\n- a",
        "a: b", "- - - -", "\"", "'", "{", "- !!map {}", "- !<tag:yaml.org,2002:int> x", "\u00ff\ufeff- a", "- name: a\r\n  type: gauge", "...",
    ];

    public static Dictionary<string, string> Generate(Random random)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal) { [AutoProvision] = Pick(random, s_enabled) };
        if (random.Next(10) == 0)
        {
            map.Remove(AutoProvision);
        }

        // Two times in three a sensible range, so the scaling annotations get checked too.
        var sensible = random.Next(3) > 0;
        Maybe(random, map, MinReplicas, () => sensible ? Pick(random, ["1", "2", "3"]) : Pick(random, s_numbers));
        Maybe(random, map, MaxReplicas, () => sensible ? Pick(random, ["5", "10", "2147483647"]) : Pick(random, s_numbers));
        if (random.Next(2) == 0)
        {
            Maybe(random, map, Threshold, () => Pick(random, s_thresholds));
            Maybe(random, map, MetricName, () => Pick(random, s_metricNames));
        }
        else
        {
            map[Metrics] = random.Next(5) == 0 ? Broken(random) : MetricsYaml(random);
            Maybe(random, map, CombinePolicy, () => Pick(random, ["AND", "and", "OR", ""]));
            Maybe(random, map, EvaluationWindow, () => Pick(random, s_numbers));
            Maybe(random, map, ScaleUpCooldown, () => Pick(random, s_numbers));
            Maybe(random, map, ScaleDownCooldown, () => Pick(random, s_numbers));
        }

        if (random.Next(10) == 0)
        {
            // Someone else's annotation, and ours in the wrong case: neither is read.
            map["kubectl.kubernetes.io/last-applied-configuration"] = "{\"x\": 1}";
            map[Prefix + "Threshold"] = "5";
        }

        return map;
    }

    public static int? NodeCountLimit(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => -1,
        2 => 0,
        3 => 1,
        4 => int.MaxValue,
        _ => 5,
    };

    /// <summary>A metrics list, mostly of plausible entries with one field now and then out of range or the wrong kind.</summary>
    private static string MetricsYaml(Random random)
    {
        var yaml = new StringBuilder();
        var count = random.Next(4);
        for (var i = 0; i < count; i++)
        {
            var entry = new List<(string Field, string Value)>
            {
                ("name", random.Next(3) == 0 ? Pick(random, s_metricNames) : "vllm:m" + i.ToString(CultureInfo.InvariantCulture)),
                ("type", random.Next(3) == 0 ? Pick(random, s_types) : Pick(random, ["gauge", "histogram", "counter"])),
                ("upthreshold", random.Next(6) == 0 ? Pick(random, s_yamlScalars) : "10"),
                ("downthreshold", random.Next(6) == 0 ? Pick(random, s_yamlScalars) : "2"),
            };
            if (random.Next(5) == 0)
            {
                entry.Add((Pick(random, s_fields), Pick(random, s_yamlScalars)));
            }

            if (random.Next(5) == 0)
            {
                entry.Add(("aggregation", Pick(random, s_aggregations)));
            }

            if (random.Next(8) == 0)
            {
                entry.Add(("quantile", Pick(random, ["0.9", "0.5", "1", "0", "x"])));
            }

            if (random.Next(8) == 0)
            {
                entry.Add(("metriccachewindow", Pick(random, s_yamlScalars)));
            }

            entry.RemoveAll(_ => random.Next(30) == 0);
            if (random.Next(3) == 0)
            {
                yaml.Append("- {").Append(string.Join(", ", entry.Select(e => $"{e.Field}: {Flow(e.Value)}"))).Append("}\n");
            }
            else
            {
                var first = true;
                foreach (var (field, value) in entry)
                {
                    yaml.Append(first ? "- " : "  ").Append(field).Append(": ").Append(value.Replace("\n", "\n    ", StringComparison.Ordinal)).Append('\n');
                    first = false;
                }
            }
        }

        return count == 0 && random.Next(2) == 0 ? Pick(random, ["[]", "~", "", "# only a comment"]) : yaml.ToString();
    }

    private static string Broken(Random random) => random.Next(5) switch
    {
        // Deeply nested flow collections: an annotation may hold 256 KiB, so depth costs the author nothing.
        0 => new string('[', 1 + random.Next(5_000)) + new string(']', random.Next(2) == 0 ? 0 : 5_000),
        1 => string.Concat(Enumerable.Repeat("- ", 1 + random.Next(2_000))) + "a",
        2 => MetricsYaml(random).Insert(0, Pick(random, [" ", "\t", "- ", ": ", "? "])),
        _ => Pick(random, s_brokenYaml),
    };

    /// <summary>A value inside a flow mapping: block scalars have no flow form.</summary>
    private static string Flow(string value) => value.StartsWith('|') ? "\"block\"" : value;

    private static void Maybe(Random random, Dictionary<string, string> map, string key, Func<string> value)
    {
        if (random.Next(3) > 0)
        {
            map[key] = value();
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
