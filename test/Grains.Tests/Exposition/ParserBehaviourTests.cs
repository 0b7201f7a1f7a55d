using System.Text;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Tests.Exposition;

public sealed class ParserBehaviourTests
{
    private static ExpositionResult Text(string body, params string[] families) =>
        ExpositionParser.Parse(Encoding.UTF8.GetBytes(body), ExpositionFormat.PrometheusText, families.Length == 0 ? FamilySelection.All : FamilySelection.Of(families));

    [Theory]
    [InlineData("NaN")]
    [InlineData("+Inf")]
    [InlineData("-Inf")]
    [InlineData("1.5e3")]
    public void Reads_special_and_exponent_values(string value)
    {
        var result = Text($"a{{x=\"1\"}} {value}\n", "a");

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(double.Parse(value.Replace("Inf", "Infinity", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), result.Families["a"].Value);
    }

    [Fact]
    public void Reads_escaped_label_values_and_braces_inside_them()
    {
        var result = Text("a{x=\"q\\\"}\\\\\\n{\",y=\"#\"} 2\na{x=\"z\"} 3 1700000000000\n", "a");

        Assert.Equal(5, result.Families["a"].Value);
    }

    [Theory]
    [InlineData("<!DOCTYPE html>\n<html></html>\n", 1)]
    [InlineData("# HELP a x\n{\"error\": \"not found\"}\n", 2)]
    [InlineData("a 1\nb{x=\"1\" 2\n", 2)]
    [InlineData("a 1\na one\n", 2)]
    [InlineData("\u0001\u0002\u0003\n", 1)]
    public void Malformed_bodies_are_rejected_with_the_line(string body, int line)
    {
        var selective = Text(body, "a", "b");
        var full = Text(body);

        Assert.False(selective.Succeeded && full.Succeeded);
        Assert.Equal(line, (selective.Error ?? full.Error)!.Line);
    }

    [Fact]
    public void A_second_TYPE_for_a_family_is_rejected()
    {
        var result = Text("# TYPE a gauge\na 1\n# TYPE a gauge\n");

        Assert.False(result.Succeeded);
        Assert.Contains("second TYPE", result.Error!.Message, StringComparison.Ordinal);
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
    public void A_gauge_is_not_mistaken_for_a_histogram_because_a_family_with_its_name_and_sum_exists()
    {
        var result = Text("# TYPE load gauge\nload 3\n# TYPE load_sum gauge\nload_sum 100\n", "load");

        Assert.Equal(3, result.Families["load"].Value);
        Assert.Null(result.Families["load"].Histogram);
    }

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.PrometheusText)]
    [InlineData(null, ExpositionFormat.PrometheusText)]
    public void The_format_follows_the_content_type(string? contentType, ExpositionFormat format) =>
        Assert.Equal(format, ExpositionFormats.FromContentType(contentType));
}
