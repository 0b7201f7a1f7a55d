using System.Text;
using OrleansKaitoScaler.Fuzz.Tests.Harness;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Fuzz.Tests.Exposition;

/// <summary>
/// Property: on valid text 0.0.4 the real parser — spans, vectorised skips, a selective fast path — reads the same
/// families and values as <see cref="ReferenceTextParser"/>, a plain line-by-line reader, whether every family or only
/// some are requested.
/// </summary>
public sealed class ReferenceAgreementTests(ITestOutputHelper output)
{
    /// <summary>Constructs the generated bodies must include, so the property cannot pass by generating only easy bodies.</summary>
    private static readonly string[] s_constructs = ["_bucket{", "quantile=", "\\\"", "\\n", "NaN", "+Inf", "e-", "\t", "# HELP", "TYPE", "\n\n", ",}"];

    [Fact]
    public void Generated_valid_text_is_read_as_the_reference_parser_reads_it()
    {
        var seen = new int[s_constructs.Length];
        FuzzRun.Check(
            output,
            "generated valid text 0.0.4 against the reference parser",
            3_000,
            ValidTextGenerator.Generate,
            body =>
            {
                for (var i = 0; i < s_constructs.Length; i++)
                {
                    seen[i] += body.Text.Contains(s_constructs[i], StringComparison.Ordinal) ? 1 : 0;
                }

                var expected = ReferenceTextParser.Parse(body.Text);
                var bytes = Encoding.UTF8.GetBytes(body.Text);
                var all = ExpositionParser.Parse(bytes, ExpositionFormat.PrometheusText, FamilySelection.All);
                Assert.True(all.Succeeded, $"a valid body was rejected: {all.Error}");
                Assert.Equal(ReferenceTextParser.Describe(expected), ParseOutcome.Describe(all));

                // What a trigger asks for: some of the families, and one the body does not have.
                var random = new Random(bytes.Length);
                var requested = body.FamilyNames.Where(_ => random.Next(2) == 0).Append("vllm:absent").ToArray();
                var some = ExpositionParser.Parse(bytes, ExpositionFormat.PrometheusText, FamilySelection.Of(requested));
                Assert.True(some.Succeeded, $"a valid body was rejected when only {string.Join(",", requested)} were requested: {some.Error}");
                Assert.Equal(ReferenceTextParser.Describe(expected, requested), ParseOutcome.Describe(some));
            },
            body => FuzzRun.Escape(body.Text));

        output.WriteLine(string.Join(", ", s_constructs.Select((c, i) => $"{FuzzRun.Escape(c)}: {seen[i]}")));
        Assert.All(seen, count => Assert.True(count > 0, "a construct the generator should produce never appeared"));
    }

    [Fact]
    public void The_reference_parser_reads_a_hand_written_body_as_the_format_says()
    {
        // The reference is only a yardstick if it is right: one body with every construct, values worked out by hand.
        const string body = "# HELP h latency\n# TYPE h histogram\nh_bucket{le=\"1\",m=\"a\\\"}\"} 2\nh_bucket{m=\"b\",le=\"1.0\"} 3\nh_bucket{le=\"+Inf\"} 9 17\n"
            + "h_sum 4.5\nh_count 9\n\n# a comment\n  g{x=\"\\\\\", } -1.5e1\ng 5\t123\n# TYPE s summary\ns{quantile=\"0.5\"} 7\ns_sum 1\ns_count 2\nu NaN";
        var described = ReferenceTextParser.Describe(ReferenceTextParser.Parse(body));

        Assert.Equal("g = -10\nh = 0 sum 4.5 count 9 buckets 1:5 Infinity:9\ns = 0 sum 1 count 2 buckets\nu = NaN\n", described);
    }
}
