namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>One URL to scrape, named after the Workspace service it belongs to; <see cref="Url"/> is null when <see cref="Address"/> is not a valid URL.</summary>
public sealed record ScrapeEndpoint(string Name, Uri? Url, string Address)
{
    public ScrapeEndpoint(string name, Uri url)
        : this(name, url, url?.ToString() ?? "")
    {
    }
}
