namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>One URL to scrape, named after the Workspace service it belongs to.</summary>
public sealed record ScrapeEndpoint(string Name, Uri Url);
