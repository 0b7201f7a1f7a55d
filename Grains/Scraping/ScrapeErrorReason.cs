namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>Why an endpoint's scrape failed; a label on metrics and the state page.</summary>
[GenerateSerializer]
public enum ScrapeErrorReason
{
    Timeout,

    /// <summary>The inventory's address for the endpoint does not form a URL.</summary>
    InvalidAddress,
    Connection,
    HttpStatus,
    Redirect,
    TooLarge,
    ContentType,
    Malformed,

    /// <summary>A fault in the scaler itself while scraping; a bug to report.</summary>
    Internal,
}
