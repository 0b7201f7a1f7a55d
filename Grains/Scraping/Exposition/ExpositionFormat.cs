namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>The text formats a metrics endpoint may answer in, chosen by its <c>Content-Type</c>.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4 (<c>text/plain</c>; vLLM's default). The permissive rules.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0 text (<c>application/openmetrics-text</c>). The strict rules.</summary>
    OpenMetrics,
}
