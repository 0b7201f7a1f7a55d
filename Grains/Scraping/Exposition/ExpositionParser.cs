namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// Parses a metrics body in one pass over its bytes, extracting only the requested families.
/// Prometheus text 0.0.4 follows the Go reference parser (<c>expfmt</c>) that Prometheus and the Go scaler
/// use; OpenMetrics 1.0 is checked strictly. Malformed input is an <see cref="ExpositionError"/>, never an exception.
/// </summary>
public static class ExpositionParser
{
    /// <summary>Parses <paramref name="body"/>; the result holds the requested families found, or the first error.</summary>
    public static ExpositionResult Parse(ReadOnlySpan<byte> body, ExpositionFormat format, FamilySelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var sink = new FamilyAccumulator(selection);
        var error = format == ExpositionFormat.OpenMetrics
            ? new OpenMetricsParser(sink).Parse(body)
            : new PrometheusTextParser(sink, selection.IsAll).Parse(body);
        return error is null ? ExpositionResult.Success(sink.Build()) : ExpositionResult.Failure(error);
    }
}
