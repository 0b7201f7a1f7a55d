using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace OrleansKaitoScaler.Faults.Tests.Figures;

/// <summary>
/// Collects what every fault test measured (faults tried, KEDA calls made, answers and scrape errors by kind, recovery
/// time) and keeps <c>test/artifacts/fault-figures.md</c> current after each one, so a run's figures can be copied into
/// <c>docs/reliability.md</c> whatever order the tests ran in or whether the run finished. The summary is also written
/// to standard output when the test process ends.
/// </summary>
public static class FaultFigures
{
    private static readonly ConcurrentDictionary<string, FaultFigure> s_figures = new(StringComparer.Ordinal);
    private static readonly Lock s_write = new();

    static FaultFigures() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.WriteLine(Summary());

    /// <summary>Where the summary is written: <c>test/artifacts/</c> of the checkout (git-ignored).</summary>
    public static string File { get; } = Path.Combine(TestSupport.HeadlessChromium.ArtifactsFolder(), "fault-figures.md");

    /// <summary>Records one fault's figures (replacing an earlier record of the same area and fault) and rewrites the summary.</summary>
    public static void Record(FaultFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        s_figures[figure.Area + "\u0000" + figure.Fault] = figure;
        var text = Summary();
        lock (s_write)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File)!);
            System.IO.File.WriteAllText(File, text);
        }
    }

    /// <summary>The table of every figure recorded so far, by area then fault.</summary>
    public static string Summary()
    {
        var figures = s_figures.Values.OrderBy(f => f.Area, StringComparer.Ordinal).ThenBy(f => f.Fault, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Fault figures ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)\n\n");
        text.Append("| area | fault | tried | KEDA calls | answers | scrape errors by kind | max recovery | note |\n");
        text.Append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var f in figures)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {f.Area} | {f.Fault} | {f.Tried} | {f.Calls} | {Kinds(f.Answers)} | {Kinds(f.ScrapeErrors)} | ");
            text.Append(f.MaxRecovery is { } r ? r.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "—");
            text.Append(" | ").Append(f.Note).Append(" |\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n{figures.Count} faults; {figures.Sum(f => f.Tried)} injected; {figures.Sum(f => f.Calls)} KEDA calls; ");
        var recoveries = figures.Where(f => f.MaxRecovery is not null).Select(f => f.MaxRecovery!.Value).ToList();
        text.Append(recoveries.Count == 0 ? "no recovery measured\n" : string.Create(CultureInfo.InvariantCulture, $"max recovery {recoveries.Max().TotalSeconds:0.00} s\n"));
        return text.ToString();
    }

    private static string Kinds(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "—" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
}

/// <summary>What one fault test measured.</summary>
/// <param name="Area">scrape, kubernetes, silo, clock, soak.</param>
/// <param name="Fault">The fault injected.</param>
/// <param name="Tried">How many times it was injected.</param>
/// <param name="Calls">KEDA calls (or aggregator answers) made while it lasted.</param>
/// <param name="Answers">Those calls' outcomes by kind (<c>OK</c>, <c>Unavailable: stale</c>, …).</param>
/// <param name="ScrapeErrors">Scrape errors recorded by kind (<c>ScrapeErrorReason</c>).</param>
/// <param name="MaxRecovery">Longest time from the fault's end (or start) to the right answer again.</param>
/// <param name="Note">One line: what was asserted.</param>
public sealed record FaultFigure(
    string Area,
    string Fault,
    int Tried,
    int Calls,
    IReadOnlyDictionary<string, int> Answers,
    IReadOnlyDictionary<string, int> ScrapeErrors,
    TimeSpan? MaxRecovery,
    string Note);
