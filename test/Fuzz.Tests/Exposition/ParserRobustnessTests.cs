using OrleansKaitoScaler.Fuzz.Tests.Harness;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Fuzz.Tests.Exposition;

/// <summary>
/// Property: whatever bytes an endpoint answers with, the parser returns a result — the families, or an
/// <see cref="ExpositionError"/> with a line number and a short message — and never throws. An exception here would
/// fail the whole scrape round of a target instead of marking one endpoint failed.
/// </summary>
public sealed class ParserRobustnessTests(ITestOutputHelper output)
{
    private static readonly ExpositionFormat[] s_formats = [ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetrics];

    [Fact]
    public void Arbitrary_bytes_give_a_result_or_a_parse_error_never_an_exception()
    {
        FuzzRun.Check(output, "arbitrary bytes", 4_000, random => Mutator.Arbitrary(random, 512), body => AssertWellBehaved(body, new Random(body.Length)));
    }

    [Fact]
    public void Mutated_captures_and_conformance_cases_give_a_result_or_a_parse_error_never_an_exception()
    {
        var corpus = Corpus.All;
        FuzzRun.Check(
            output,
            "mutated captures and conformance cases",
            3_000,
            random => Mutator.Mutate(random, corpus[random.Next(corpus.Count)].Body, corpus),
            body => AssertWellBehaved(body, new Random(body.Length)));
    }

    [Fact]
    public void Every_unmutated_corpus_body_gives_a_result_or_a_parse_error()
    {
        foreach (var (name, body) in Corpus.All)
        {
            try
            {
                AssertWellBehaved(body, new Random(body.Length));
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{name}: {e.Message}", e);
            }
        }
    }

    private static void AssertWellBehaved(byte[] body, Random random)
    {
        var lines = body.Count(b => b == '\n') + 1;
        foreach (var format in s_formats)
        {
            foreach (var selection in ParseOutcome.SelectionsFor(body, random))
            {
                var result = ExpositionParser.Parse(body, format, selection);
                if (result.Error is { } error)
                {
                    Assert.False(result.Succeeded);
                    Assert.Empty(result.Families);
                    Assert.InRange(error.Line, 1, lines + 1);
                    Assert.False(string.IsNullOrWhiteSpace(error.Message));
                    // Quotes of the body are cut to 60 bytes, so a hostile body cannot flood the log.
                    Assert.True(error.Message.Length <= 400, $"a {error.Message.Length}-character message: {error.Message}");
                    continue;
                }

                Assert.True(result.Succeeded);
                if (!selection.IsAll)
                {
                    Assert.All(result.Families.Keys, name => Assert.Contains(name, selection.Names));
                }

                foreach (var histogram in result.Families.Values.Select(f => f.Histogram).OfType<HistogramValue>())
                {
                    var bounds = histogram.Buckets.Select(b => b.UpperBound).ToArray();
                    Assert.Equal(bounds.Order().ToArray(), bounds);
                }
            }
        }
    }
}
