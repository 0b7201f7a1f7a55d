using System.Text.Json;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Grains.Tests.Exposition;

/// <summary>
/// The OpenMetrics parser conformance suite (211 cases) and Prometheus' own text-format corpus, read from
/// <c>shared/fixtures/exposition-conformance/</c>. OpenMetrics bodies must match each case's shouldParse;
/// text 0.0.4 must match promtool's verdicts on the same inputs.
/// </summary>
public sealed class ConformanceTests
{
    /// <summary>
    /// Where our 0.0.4 verdict knowingly differs from promtool: SPEC.md requires reading real captures that
    /// lack a final newline, which expfmt rejects ("unexpected end of input stream").
    /// </summary>
    private static readonly Dictionary<string, string> s_text004Exceptions = new()
    {
        ["no_newline_after_eof"] = MissingFinalNewline,
        ["bad_text_after_eof_1"] = MissingFinalNewline,
        ["fuzz-corpus_from_test_parse_error_0"] = MissingFinalNewline,
    };

    private const string MissingFinalNewline = "a body whose last line has no newline is accepted (vLLM captures end that way)";

    private static string Directory => Fixtures.Path("exposition-conformance");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in CaseNames())
        {
            data.Add(name);
        }

        return data;
    }

    private static IEnumerable<string> CaseNames() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal).Select(f => Path.GetFileNameWithoutExtension(f));

    public static TheoryData<string, bool> ExpfmtCorpus()
    {
        var data = new TheoryData<string, bool>();
        foreach (var file in System.IO.Directory.GetFiles(Path.Combine(Directory, "prometheus-common-expfmt")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            data.Add(name, !name.Contains("parse_error", StringComparison.Ordinal));
        }

        return data;
    }

    [Fact]
    public void The_suite_has_all_211_cases()
    {
        Assert.Equal(211, CaseNames().Count());
        Assert.Equal(44, CaseNames().Count(ShouldParse));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OpenMetrics_bodies_are_accepted_or_rejected_as_the_suite_says(string name)
    {
        var result = ExpositionParser.Parse(Fixtures.Bytes("exposition-conformance", name + ".txt"), ExpositionFormat.OpenMetrics, FamilySelection.All);

        Assert.True(ShouldParse(name) == result.Succeeded, $"{name}: expected {(ShouldParse(name) ? "accept" : "reject")}, got {result.Error?.ToString() ?? "accept"}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Text_004_bodies_get_promtools_verdict(string name)
    {
        var expected = PromtoolAccepts(name) || s_text004Exceptions.ContainsKey(name);

        var result = ExpositionParser.Parse(Fixtures.Bytes("exposition-conformance", name + ".txt"), ExpositionFormat.PrometheusText, FamilySelection.All);

        Assert.True(expected == result.Succeeded, $"{name}: expected {(expected ? "accept" : "reject")}, got {result.Error?.ToString() ?? "accept"}");
    }

    [Theory]
    [MemberData(nameof(ExpfmtCorpus))]
    public void The_expfmt_corpus_gets_its_verdict(string name, bool valid)
    {
        var result = ExpositionParser.Parse(Fixtures.Bytes("exposition-conformance", "prometheus-common-expfmt", name), ExpositionFormat.PrometheusText, FamilySelection.All);

        var expected = valid || s_text004Exceptions.ContainsKey(name);
        Assert.True(expected == result.Succeeded, $"{name}: expected {(expected ? "accept" : "reject")}, got {result.Error?.ToString() ?? "accept"}");
    }

    [Theory]
    [InlineData("alltypes.237mfs.prom.txt", ExpositionFormat.PrometheusText, 237)]
    [InlineData("alltypes.237mfs.nometa.prom.txt", ExpositionFormat.PrometheusText, -1)]
    [InlineData("1histogram.om.txt", ExpositionFormat.OpenMetrics, 1)]
    public void Prometheus_benchmark_bodies_parse(string file, ExpositionFormat format, int families)
    {
        var result = ExpositionParser.Parse(Fixtures.Bytes("exposition-conformance", "prometheus-textparse-testdata", file), format, FamilySelection.All);

        Assert.True(result.Succeeded, result.Error?.ToString());
        if (families > 0)
        {
            Assert.Equal(families, result.Families.Count);
        }
    }

    [Fact]
    public void Strict_OpenMetrics_rejects_a_histogram_sum_beside_negative_buckets_even_from_client_golang()
    {
        // Prometheus' own benchmark body breaks OpenMetrics 1.0 here (as bad_counter_values_9 and bad_histograms_3 do):
        // with negative bucket bounds, _sum is no longer a counter and must be absent. Prometheus does not check.
        var result = ExpositionParser.Parse(
            Fixtures.Bytes("exposition-conformance", "prometheus-textparse-testdata", "alltypes.5mfs.om.txt"), ExpositionFormat.OpenMetrics, FamilySelection.All);

        Assert.False(result.Succeeded);
        Assert.Contains("negative buckets must not have _sum", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_selective_parse_of_a_valid_body_agrees_with_the_full_parse()
    {
        foreach (var name in CaseNames().Where(PromtoolAccepts))
        {
            var body = Fixtures.Bytes("exposition-conformance", name + ".txt");
            var all = ExpositionParser.Parse(body, ExpositionFormat.PrometheusText, FamilySelection.All);
            foreach (var (family, value) in all.Families)
            {
                var one = ExpositionParser.Parse(body, ExpositionFormat.PrometheusText, FamilySelection.Of([family]));
                Assert.True(one.Succeeded, $"{name}/{family}: {one.Error}");
                Assert.True(one.Families.TryGetValue(family, out var selected), $"{name}/{family} missing");
                Assert.Equal(value.Value, selected.Value);
            }
        }
    }

    private static bool ShouldParse(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json"))).RootElement.GetProperty("shouldParse").GetBoolean();

    private static bool PromtoolAccepts(string name) =>
        File.ReadLines(Path.Combine(Directory, "derived_promtool-2.42-text004-verdicts.tsv"))
            .Select(l => l.Split('\t'))
            .Single(f => f[0] == name)[2] == "accept";
}
