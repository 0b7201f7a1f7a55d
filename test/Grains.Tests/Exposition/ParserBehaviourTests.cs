using System.Globalization;
using System.Text;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Tests.Exposition;

/// <summary>What a scrape sees from small hand-made bodies: values, labels, merging, and which bodies fail where.</summary>
public sealed class ParserBehaviourTests
{
    private static ExpositionResult Text(string body, params string[] families) =>
        ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.PrometheusText, families.Length == 0 ? FamilySelection.All : FamilySelection.Of(families));

    private static ExpositionResult OpenMetrics(string body, params string[] families) =>
        ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.OpenMetrics, families.Length == 0 ? FamilySelection.All : FamilySelection.Of(families));

    [Fact]
    public void The_families_found_read_as_a_dictionary_of_only_those_present()
    {
        var result = Text("# TYPE b counter\nb_total 2\nc 7\na{x=\"1\"} 1\na{x=\"2\"} 2\n", "a", "missing", "b_total", "c");

        Assert.True(result.Succeeded, result.Error?.ToString());
        var families = result.Families;
        Assert.Equal(3, families.Count);
        Assert.Equal(["a", "b_total", "c"], families.Keys);
        Assert.Equal([3.0, 2.0, 7.0], families.Values.Select(v => v.Value));
        Assert.False(families.ContainsKey("missing"));
        Assert.False(families.TryGetValue("missing", out _));
        Assert.Throws<KeyNotFoundException>(() => families["missing"]);
        Assert.Equal(new Dictionary<string, FamilyValue> { ["a"] = new(3, null), ["b_total"] = new(2, null), ["c"] = new(7, null) }, families.ToDictionary());
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("+Inf")]
    [InlineData("-Inf")]
    [InlineData("1.5e3")]
    [InlineData("1.0777853952e+010")]
    [InlineData("-0.25E-2")]
    public void Reads_special_and_exponent_values(string value)
    {
        var result = Text($"a{{x=\"1\"}} {value}\n", "a");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(double.Parse(value.Replace("Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture), result.Families["a"].Value);
    }

    [Fact]
    public void Reads_NaN_and_infinite_values_in_OpenMetrics_too()
    {
        var result = OpenMetrics("# TYPE a gauge\na{x=\"1\"} NaN\n# TYPE b gauge\nb +Inf\n# EOF\n", "a", "b");

        Assert.True(double.IsNaN(result.Families["a"].Value));
        Assert.Equal(double.PositiveInfinity, result.Families["b"].Value);
    }

    [Fact]
    public void Rejects_a_number_beyond_the_double_range_as_Go_does()
    {
        var result = Text("a 1e400\n", "a");

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Error!.Line);
    }

    [Fact]
    public void Reads_escaped_label_values_and_braces_inside_them()
    {
        var result = Text("a{x=\"q\\\"}\\\\\\n{\",y=\"#\"} 2\na{x=\"z\"} 3 1700000000000\n", "a");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(5, result.Families["a"].Value);
    }

    [Fact]
    public void Rejects_an_escape_that_text_0_0_4_does_not_know()
    {
        var result = Text("a 1\na{x=\"tab\\there\"} 2\n", "a");

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Error!.Line);
    }

    [Fact]
    public void Reads_a_body_without_a_final_newline()
    {
        var result = Text("# TYPE a gauge\na{engine=\"0\"} 1\na{engine=\"1\"} 2", "a");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(3, result.Families["a"].Value);
    }

    [Fact]
    public void Reads_a_family_header_with_no_samples_as_an_absent_family()
    {
        var result = Text("# HELP a A histogram nobody observed.\n# TYPE a histogram\n# HELP b B.\n# TYPE b gauge\nb 4\n", "a", "b");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.False(result.Families.ContainsKey("a"));
        Assert.Equal(4, result.Families["b"].Value);
    }

    [Fact]
    public void Merges_histogram_series_into_ascending_cumulative_buckets()
    {
        const string body = """
            # TYPE h histogram
            h_bucket{engine="0",le="0.5"} 1
            h_bucket{engine="0",le="+Inf"} 3
            h_sum{engine="0"} 4.5
            h_count{engine="0"} 3
            h_created{engine="0"} 1.7e9
            h_bucket{engine="1",le="+Inf"} 2
            h_bucket{engine="1",le="0.5"} 2
            h_count{engine="1"} 2
            h_sum{engine="1"} 0.5

            """;

        var histogram = Text(body, "h").Families["h"].Histogram!;

        Assert.Equal(5, histogram.Count);
        Assert.Equal(5.0, histogram.Sum);
        Assert.Equal([new HistogramBucket(0.5, 3), new HistogramBucket(double.PositiveInfinity, 5)], histogram.Buckets);
    }

    [Fact]
    public void Reads_sum_and_count_of_a_family_without_a_TYPE_line()
    {
        var result = Text("latency_sum 2.5\nlatency_count 4\nlatency_bucket{le=\"+Inf\"} 4\n", "latency");

        Assert.Equal(2.5, result.Families["latency"].Histogram!.Sum);
        Assert.Equal(4, result.Families["latency"].Histogram!.Count);
        Assert.Equal(0, result.Families["latency"].Value);
    }

    [Theory]
    [InlineData("<!DOCTYPE html>\n<html></html>\n", 1)]
    [InlineData("<html><body>502 Bad Gateway</body></html>", 1)]
    [InlineData("# HELP a x\n{\"error\": \"not found\"}\n", 2)]
    [InlineData("a 1\nb{x=\"1\" 2\n", 2)]
    [InlineData("a 1\na one\n", 2)]
    [InlineData("a 1\n\u0001\u0002\u0003\n", 2)]
    [InlineData("a 1\nunrelated_metric\n", 2)]
    [InlineData("a 1\nunrelated-metric 1\n", 2)]
    [InlineData("a 1\n# TYPE unrelated gague\n", 2)]
    public void Malformed_bodies_are_rejected_with_their_line_whatever_is_requested(string body, int line)
    {
        var selective = Text(body, "a", "b");
        var full = Text(body);

        Assert.False(selective.Succeeded, "selective parse accepted the body");
        Assert.False(full.Succeeded, "full parse accepted the body");
        Assert.Equal(line, selective.Error!.Line);
        Assert.Equal(line, full.Error!.Line);
        Assert.False(string.IsNullOrWhiteSpace(selective.Error.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    public void An_empty_OpenMetrics_body_is_rejected_on_line_1_whatever_is_requested(string family)
    {
        var result = family.Length == 0 ? OpenMetrics("") : OpenMetrics("", family);

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Error!.Line);
    }

    [Fact]
    public void A_gzip_body_is_rejected_at_its_first_line()
    {
        byte[] gzip = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0a, 0xcb, 0x4d, 0x00];

        foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetrics })
        {
            var result = ExpositionParser.Parse(gzip, format, FamilySelection.Of(["a"]));

            Assert.False(result.Succeeded);
            Assert.Equal(1, result.Error!.Line);
        }
    }

    [Theory]
    [InlineData("<!DOCTYPE html>\n# EOF\n", 1)]
    [InlineData("# TYPE a gauge\na 1\n", 2)]
    [InlineData("# TYPE a gauge\na 1\n\n# EOF\n", 3)]
    [InlineData("# TYPE a gauge\na 1\n# EOF\nb 2\n", 4)]
    [InlineData("# TYPE a gauge\na  1\n# EOF\n", 2)]
    [InlineData("# TYPE a gauge\na 1\n# TYPE b gauge\nb 2\na 3\n# EOF\n", 5)]
    [InlineData("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 2\na{x=\"1\"} 3\n# EOF\n", 4)]
    [InlineData("# TYPE a counter\na_total -1\n# EOF\n", 2)]
    [InlineData("# TYPE a histogram\na_bucket{le=\"1\"} 1\na_count 1\n# EOF\n", 4)]
    public void Malformed_OpenMetrics_bodies_are_rejected_even_when_only_a_is_requested(string body, int line)
    {
        var selective = OpenMetrics(body, "a");
        var full = OpenMetrics(body);

        Assert.False(full.Succeeded, "full parse accepted the body");
        Assert.Equal(line, full.Error!.Line);
        Assert.False(selective.Succeeded, "selective parse accepted the body");
        Assert.Equal(line, selective.Error!.Line);
    }

    [Fact]
    public void A_second_TYPE_for_a_family_is_rejected()
    {
        const string body = "# TYPE a gauge\na 1\n# TYPE a gauge\n";

        foreach (var result in new[] { Text(body), Text(body, "a") })
        {
            Assert.False(result.Succeeded);
            Assert.Equal(3, result.Error!.Line);
            Assert.Contains("second TYPE", result.Error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_TYPE_after_the_samples_of_a_requested_family_is_rejected()
    {
        var result = Text("a 1\n# TYPE a gauge\n", "a");

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Error!.Line);
    }

    [Fact]
    public void A_second_HELP_for_a_requested_family_is_rejected()
    {
        var result = Text("# HELP a one\n# HELP a two\na 1\n", "a");

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Error!.Line);
    }

    [Fact]
    public void A_counter_family_requested_by_its_base_name_reads_the_total_in_OpenMetrics()
    {
        var body = "# TYPE tokens counter\ntokens_total{engine=\"0\"} 10\ntokens_total{engine=\"1\"} 5\ntokens_created 1.7e9\n# EOF\n"u8;

        var byFamily = ExpositionParser.Parse(body, ExpositionFormat.OpenMetrics, FamilySelection.Of(["tokens"]));
        var bySample = ExpositionParser.Parse(body, ExpositionFormat.OpenMetrics, FamilySelection.Of(["tokens_total"]));

        Assert.Equal(15, byFamily.Families["tokens"].Value);
        Assert.Equal(15, bySample.Families["tokens_total"].Value);
    }

    [Fact]
    public void Reads_OpenMetrics_timestamps_and_exemplars()
    {
        const string body = """
            # TYPE ttft_seconds histogram
            # UNIT ttft_seconds seconds
            ttft_seconds_bucket{le="0.1"} 2 1700000000.5 # {trace_id="abc"} 0.05 1700000000.25
            ttft_seconds_bucket{le="+Inf"} 3 1700000000.5
            ttft_seconds_count 3 1700000000.5
            ttft_seconds_sum 0.4 1700000000.5
            ttft_seconds_created 1600000000 1700000000.5
            # EOF
            """;

        var result = OpenMetrics(body, "ttft_seconds");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(3, result.Families["ttft_seconds"].Histogram!.Count);
        Assert.Equal([new HistogramBucket(0.1, 2), new HistogramBucket(double.PositiveInfinity, 3)], result.Families["ttft_seconds"].Histogram!.Buckets);
    }

    [Fact]
    public void Reads_a_gaugehistogram_from_its_gsum_and_gcount()
    {
        const string body = "# TYPE q gaugehistogram\nq_bucket{le=\"1\"} 1\nq_bucket{le=\"+Inf\"} 2\nq_gcount 2\nq_gsum 3\n# EOF";

        var histogram = OpenMetrics(body, "q").Families["q"].Histogram!;

        Assert.Equal(2, histogram.Count);
        Assert.Equal(3, histogram.Sum);
    }

    [Fact]
    public void A_gauge_is_not_mistaken_for_a_histogram_because_a_family_with_its_name_and_sum_exists()
    {
        var result = Text("# TYPE load gauge\nload 3\n# TYPE load_sum gauge\nload_sum 100\n", "load");

        Assert.Equal(3, result.Families["load"].Value);
        Assert.Null(result.Families["load"].Histogram);
    }

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.PrometheusText)]
    [InlineData("application/json", ExpositionFormat.PrometheusText)]
    [InlineData("", ExpositionFormat.PrometheusText)]
    [InlineData(null, ExpositionFormat.PrometheusText)]
    public void The_format_follows_the_content_type(string? contentType, ExpositionFormat format) =>
        Assert.Equal(format, ExpositionFormats.FromContentType(contentType));
}
