using System.Diagnostics;
using System.Text;
using OrleansKaitoScaler.Fuzz.Tests.Harness;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Fuzz.Tests.Exposition;

/// <summary>
/// Property: the parser reads exactly the span it is given. The scraper parses a rented buffer's first bytes, so the
/// bytes after the body are whatever the pool held last: parsing a body in the middle of a larger buffer must give
/// what parsing a copy of just the body gives, even when the neighbouring bytes are a valid family the trigger wants.
/// </summary>
public sealed class SliceBoundaryTests(ITestOutputHelper output)
{
    /// <summary>Poison: a requested family, with a different value, that a read past either end would pick up or be broken by.</summary>
    private static readonly byte[] s_before = Encoding.UTF8.GetBytes("vllm:num_requests_waiting{poison=\"before\"} 1000\n# TYPE vllm:num_requests_waiting gauge\n");

    private static readonly byte[] s_after = Encoding.UTF8.GetBytes(
        "\nvllm:num_requests_waiting{poison=\"after\"} 1000\nvllm:e2e_request_latency_seconds_bucket{le=\"+Inf\"} 7\n# EOF\n\"}{\\");

    private static readonly ExpositionFormat[] s_formats = [ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetrics];

    [Fact]
    public void A_body_inside_a_larger_buffer_parses_as_a_copy_of_just_the_body()
    {
        var corpus = Corpus.All;
        FuzzRun.Check(
            output,
            "slices of a larger buffer",
            1_500,
            random =>
            {
                var body = corpus[random.Next(corpus.Count)].Body;
                return random.Next(3) == 0 ? body : Mutator.Mutate(random, body, corpus);
            },
            body =>
            {
                var random = new Random(body.Length);
                var before = s_before[(s_before.Length - random.Next(s_before.Length + 1))..];
                var after = s_after[..random.Next(s_after.Length + 1)];
                var buffer = before.Concat(body).Concat(after).ToArray();
                AssertSliceParsesAsCopy(buffer, before.Length, body.Length, random);
            });
    }

    [Theory]
    [InlineData("vllm-metrics/aibrix-docs_qwen2.5-coder-1.5b_v0-engine_snippet.txt", 1)]
    [InlineData("vllm-metrics/other-servers/sglang-docs_llama-3.1-8b_production-metrics-example.txt", 1)]
    [InlineData("vllm-metrics/kubeai-mock_llama-3.1-8b-fp8_v0-engine.txt", 3)]
    [InlineData("exposition-conformance/prometheus-textparse-testdata/alltypes.5mfs.om.txt", 1)]
    public void A_capture_cut_at_any_position_parses_as_a_copy_of_what_is_left(string capture, int stride)
    {
        // The rest of the capture is the poison here: valid lines of the same body right after the cut.
        var body = Corpus.Get(capture);
        var stopwatch = Stopwatch.StartNew();
        var cuts = 0;
        for (var length = 0; length <= body.Length; length += stride)
        {
            AssertSliceParsesAsCopy(body, 0, length, new Random(length));
            cuts++;
        }

        FuzzRun.Report(output, $"cuts of {capture}", cuts, stopwatch.Elapsed);
    }

    private static void AssertSliceParsesAsCopy(byte[] buffer, int start, int length, Random random)
    {
        var slice = buffer.AsSpan(start, length);
        var copy = slice.ToArray();
        foreach (var format in s_formats)
        {
            foreach (var selection in ParseOutcome.SelectionsFor(copy, random))
            {
                var expected = ParseOutcome.Describe(ExpositionParser.Parse(copy, format, selection));
                var actual = ParseOutcome.Describe(ExpositionParser.Parse(slice, format, selection));
                Assert.True(
                    expected == actual,
                    $"{format}, {(selection.IsAll ? "all families" : string.Join(",", selection.Names))}, bytes {start}..{start + length} of {buffer.Length}:\n"
                    + $"copy:  {expected}\nslice: {actual}");
            }
        }
    }
}
