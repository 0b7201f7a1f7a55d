using BenchmarkDotNet.Attributes;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Parser.Benchmarks;

/// <summary>
/// Parsing one real vLLM <c>/metrics</c> body: extracting the two families a typical pair of triggers asks for
/// (the hot path of every scrape), and validating every family (<c>FamilySelection.All</c>, the path of the conformance tests).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ParserBenchmarks
{
    private static readonly FamilySelection s_twoFamilies = FamilySelection.Of(["vllm:num_requests_waiting", "vllm:time_to_first_token_seconds"]);
    private byte[] _body = [];

    [ParamsSource(nameof(Captures))]
    public string Capture { get; set; } = "";

    public static IEnumerable<string> Captures() => CaptureFiles.Names;

    [GlobalSetup]
    public void Setup() => _body = CaptureFiles.Read(Capture);

    [Benchmark(Baseline = true)]
    public int TwoFamilies() => ExpositionParser.Parse(_body, ExpositionFormat.PrometheusText, s_twoFamilies).Families.Count;

    [Benchmark]
    public int EveryFamily() => ExpositionParser.Parse(_body, ExpositionFormat.PrometheusText, FamilySelection.All).Families.Count;
}
