namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// Parses a metrics body in one pass over its bytes, extracting only the requested families.
/// Prometheus text 0.0.4 follows the Go reference parser (<c>expfmt</c>) that Prometheus and the Go scaler
/// use; OpenMetrics 1.0 is checked strictly. Malformed input is an <see cref="ExpositionError"/>, never an exception.
/// </summary>
/// <remarks>
/// With <see cref="FamilySelection.All"/> every line is validated by its format's full rules. With a selection
/// (every scrape), the requested families' lines get those rules and every other line only a check that costs no
/// allocation: a valid metric name followed by labels or a value, well-formed metadata keywords, and in
/// OpenMetrics the line structure (no blank lines, <c># EOF</c> last). HTML, JSON and binary bodies therefore
/// fail at their first line either way, but a malformed label set in a family nobody asked for goes unnoticed.
/// </remarks>
public static class ExpositionParser
{
    /// <summary>Parses <paramref name="body"/>; the result holds the requested families found, or the first error.</summary>
    public static ExpositionResult Parse(ReadOnlySpan<byte> body, ExpositionFormat format, FamilySelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var sink = new FamilyAccumulator(selection);
        var error = format == ExpositionFormat.OpenMetrics
            ? new OpenMetricsParser(sink).Parse(body)
            : new PrometheusTextParser(sink).Parse(body);
        return error is null ? ExpositionResult.Success(sink.Build()) : ExpositionResult.Failure(error);
    }
}
