using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>Scrapes one metrics endpoint. Never throws for endpoint faults: they come back as a failed <see cref="EndpointScrape"/>.</summary>
public interface IMetricsScraper
{
    Task<EndpointScrape> ScrapeAsync(ScrapeEndpoint endpoint, TimeSpan timeout, FamilySelection families, CancellationToken cancellationToken);
}
