using System.Text.Json.Nodes;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>values.yaml, the values table in the chart's README and the <c>ci/</c> files agree.</summary>
public sealed class ValuesDocumentationTests
{
    [Fact]
    public void Every_value_is_documented_in_the_README_table()
    {
        var documented = DocumentedKeys();

        Assert.All(Paths(Values("values.yaml")), path =>
            Assert.True(documented.Any(k => Covers(k, path)), $"values.yaml '{path}' is not in the README's values table"));
    }

    [Fact]
    public void Every_documented_key_exists_in_values_yaml()
    {
        var paths = Paths(Values("values.yaml")).ToList();

        Assert.All(DocumentedKeys(), key =>
            Assert.True(paths.Any(p => Covers(key, p)), $"README documents '{key}', which values.yaml does not have"));
    }

    [Fact]
    public void Every_documented_key_is_set_by_a_ci_values_file()
    {
        var set = Repository.CiValuesFiles.SelectMany(f => Paths(Values(Path.Combine("ci", f)))).ToList();

        Assert.All(DocumentedKeys(), key =>
            Assert.True(set.Any(p => Covers(key, p)), $"no ci/*-values.yaml sets '{key}', so no test renders it"));
    }

    [Fact]
    public void The_README_keeps_the_install_command_into_KEDAs_namespace()
    {
        var readme = File.ReadAllText(Repository.ChartFile("README.md"));

        Assert.Contains("helm install orleans-kaito-scaler charts/orleans-kaito-scaler --namespace keda", readme, StringComparison.Ordinal);
    }

    private static bool Covers(string key, string path) =>
        path == key || path.StartsWith(key + ".", StringComparison.Ordinal);

    private static JsonObject Values(string relative) =>
        Assert.IsType<JsonObject>(YamlJson.Convert(File.ReadAllText(Repository.ChartFile(relative.Split('/')))));

    /// <summary>Dotted paths to every leaf: a scalar, a list or an empty map.</summary>
    private static IEnumerable<string> Paths(JsonObject map, string prefix = "") =>
        map.SelectMany(p => p.Value is JsonObject child && child.Count > 0
            ? Paths(child, $"{prefix}{p.Key}.")
            : [$"{prefix}{p.Key}"]);

    /// <summary>The first column of the table under "## Values" in the chart's README.</summary>
    private static List<string> DocumentedKeys()
    {
        var lines = File.ReadAllLines(Repository.ChartFile("README.md"));
        var keys = lines.SkipWhile(l => l != "## Values").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1].Trim('`'))
            .ToList();
        Assert.NotEmpty(keys);
        return keys;
    }
}
