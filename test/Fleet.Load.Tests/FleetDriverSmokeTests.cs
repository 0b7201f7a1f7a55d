using OrleansKaitoScaler.Fleet.Load;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fleet.Load.Tests;

/// <summary>
/// Keeps the load driver working: its entry point in <c>--smoke</c> mode (a tiny fleet, seconds, no targets checked)
/// must print every table with every row, with figures that come from real scrapes.
/// </summary>
[Collection(DriverRunsAlone.Name)]
public sealed class FleetDriverSmokeTests
{
    [Fact]
    public async Task Fleet_mode_prints_capacity_latency_silos_and_memory_from_real_scrapes()
    {
        var output = new StringWriter();

        var exit = await FleetDriver.RunAsync(["--mode", "fleet", "--smoke"], output);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        var capacity = Row(text, "| 20 | 40 |");
        Assert.True(Cell(capacity, 3) > 0, $"no scrapes counted in the capacity step:\n{text}");
        Assert.Contains("capacity: ", text, StringComparison.Ordinal);
        Assert.Contains("## GetMetrics latency", text, StringComparison.Ordinal);
        // GetMetrics and its floor, from a caller process of their own and from the driver: every call made and Ok.
        foreach (var row in new[] { "| own process | GetMetrics |", "| own process | GetMetricSpec |", "| the driver, beside the replicas | GetMetrics |", "| the driver, beside the replicas | GetMetricSpec |" })
        {
            Assert.Equal(100, Cell(Row(text, row), 3));
            Assert.Equal(0, Cell(Row(text, row), 8));
        }


        // Three silos share the scrapes: each made some.
        var three = Row(text, "| 3 |");
        Assert.All(three.Split('|')[2].Split('/'), s => Assert.True(double.Parse(s.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0, text));
        Assert.Contains("## Memory", text, StringComparison.Ordinal);
        Assert.Contains("| per InferenceSet added (KB) |", text, StringComparison.Ordinal);

        // 20 InferenceSets added to 2 warm ones, every one with its grain; one silo keeps no window copies.
        Assert.Contains("| 22 | 0 |", text, StringComparison.Ordinal);
        Assert.Contains("(GetMetricSpec asks no grain", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prometheus_mode_prints_the_side_by_side_table()
    {
        if (!File.Exists(PrometheusServer.Executable))
        {
            // test.sh installs the Debian package; without it only the fleet mode can be checked.
            return;
        }

        var output = new StringWriter();

        var exit = await FleetDriver.RunAsync(["--mode", "prometheus", "--smoke"], output);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        foreach (var measure in new[]
        {
            "| CPU per 1,000 scrapes (CPU s) |", "| peak RSS per 1,000 targets (MB) |", "| time-to-signal median (ms) |",
            "| time-to-signal p95 (ms) |", "| GetMetrics p50 at", "| GetMetrics p99 at",
        })
        {
            Assert.Contains(measure, text, StringComparison.Ordinal);
        }

        // Both scraped the same 40 endpoints, and both saw every queue step.
        var scrapes = Row(text, "| scrapes in the span |").Split('|', StringSplitOptions.TrimEntries);
        Assert.True(double.Parse(scrapes[2].Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0, text);
        Assert.True(double.Parse(scrapes[3].Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0, text);
        Assert.Contains("not seen within 3 intervals + 2 s: ours 0, Prometheus 0", text, StringComparison.Ordinal);
    }

    private static string Row(string text, string start) =>
        text.Split('\n').FirstOrDefault(l => l.StartsWith(start, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no row starting '{start}' in:\n{text}");

    private static double Cell(string row, int index) =>
        double.Parse(row.Split('|', StringSplitOptions.TrimEntries)[index].Replace(",", "", StringComparison.Ordinal).Replace("%", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The smoke runs start silos and Prometheus; side by side they would only slow each other down.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DriverRunsAlone
{
    public const string Name = "driver runs alone";
}
