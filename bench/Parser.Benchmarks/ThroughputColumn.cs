using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OrleansKaitoScaler.Parser.Benchmarks;

/// <summary>
/// Bytes of the capture parsed per second of mean time, in MB/s (10^6 bytes): the figure the target
/// (≥ 1 GB/s per core) is stated in, so nobody has to work it out from the mean by hand.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "Throughput";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Capture bytes parsed per second of mean time (1 MB = 10^6 bytes)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0 || benchmarkCase.Parameters["Capture"] is not string capture)
        {
            return "-";
        }

        var megabytesPerSecond = CaptureFiles.Size(capture) / (meanNanoseconds.Value / 1e9) / 1e6;
        return megabytesPerSecond.ToString("N0", CultureInfo.InvariantCulture) + " MB/s";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
