namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>Chooses the parser rules from a response's <c>Content-Type</c>.</summary>
public static class ExpositionFormats
{
    /// <summary><c>application/openmetrics-text</c> (any parameters) is OpenMetrics; anything else, or none, is Prometheus text 0.0.4.</summary>
    public static ExpositionFormat FromContentType(string? contentType) =>
        contentType is not null && contentType.TrimStart().StartsWith("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.PrometheusText;
}
