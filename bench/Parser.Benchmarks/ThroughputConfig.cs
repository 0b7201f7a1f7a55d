using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;

namespace OrleansKaitoScaler.Parser.Benchmarks;

/// <summary>Adds <see cref="ThroughputColumn"/> to the summary table.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(new ThroughputColumn());
        // Capture names are long; the default 20 characters leave "hardw(...)s.txt".
        SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(70);
    }
}
