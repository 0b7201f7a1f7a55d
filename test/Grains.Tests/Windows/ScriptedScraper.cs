using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Tests.Windows;

/// <summary>An in-memory scraper whose per-endpoint answers a test sets; counts the scrapes it serves.</summary>
internal sealed class ScriptedScraper : IMetricsScraper
{
    private readonly Dictionary<string, Func<FamilySelection, EndpointScrape>> _answers = [];

    public List<(string Endpoint, TimeSpan Timeout, IReadOnlyCollection<string> Families)> Calls { get; } = [];

    /// <summary>The selection of each call, in order.</summary>
    public List<FamilySelection> Selections { get; } = [];

    public void Answer(string host, double waiting) =>
        _answers[host] = _ => Aggregation.Samples.Gauge(host, waiting);

    public void Fail(string host) => _answers[host] = _ => Aggregation.Samples.Failed(host);

    public Task<EndpointScrape> ScrapeAsync(ScrapeEndpoint endpoint, TimeSpan timeout, FamilySelection families, CancellationToken cancellationToken)
    {
        Calls.Add((endpoint.Url!.Host, timeout, families.Names));
        Selections.Add(families);
        var answer = _answers.TryGetValue(endpoint.Url!.Host, out var f)
            ? f(families)
            : EndpointScrape.Failure(endpoint.Name, ScrapeErrorReason.Connection, "no such host", TimeSpan.Zero);
        return Task.FromResult(answer with { Endpoint = endpoint.Name });
    }
}
