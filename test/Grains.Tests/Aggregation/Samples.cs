using OrleansKaitoScaler.Abstractions.Scaling;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;
using OrleansKaitoScaler.Grains.Aggregation;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

/// <summary>Builds windows of scrape rounds for aggregator tests.</summary>
internal static class Samples
{
    public const string Waiting = "vllm:num_requests_waiting";
    public const string Ttft = "vllm:time_to_first_token_seconds";

    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static readonly InferenceSetSnapshot InferenceSet = new(new InferenceSetKey("default", "phi-4"), true, 3, 3, []);

    public static EndpointScrape Gauge(string endpoint, double value, string family = Waiting) =>
        EndpointScrape.Success(endpoint, new Dictionary<string, FamilyValue> { [family] = new(value, null) }, TimeSpan.FromMilliseconds(3), 1000);

    public static EndpointScrape Histogram(string endpoint, double sum, double count, string family = Ttft) =>
        EndpointScrape.Success(endpoint, new Dictionary<string, FamilyValue> { [family] = new(0, new HistogramValue(sum, count, [])) }, TimeSpan.FromMilliseconds(3), 1000);

    /// <summary>A histogram sample with cumulative buckets given as (le, count); the last must be +Inf.</summary>
    public static EndpointScrape Buckets(string endpoint, params (double Le, double Count)[] buckets) =>
        EndpointScrape.Success(
            endpoint,
            new Dictionary<string, FamilyValue> { [Ttft] = new(0, new HistogramValue(0, buckets[^1].Count, buckets.Select(b => new HistogramBucket(b.Le, b.Count)).ToArray())) },
            TimeSpan.FromMilliseconds(3),
            1000);

    public static EndpointScrape Without(string endpoint) =>
        EndpointScrape.Success(endpoint, new Dictionary<string, FamilyValue>(), TimeSpan.FromMilliseconds(3), 1000);

    public static EndpointScrape Failed(string endpoint) =>
        EndpointScrape.Failure(endpoint, ScrapeErrorReason.Connection, "connection refused", TimeSpan.FromMilliseconds(1));

    /// <summary>A round that asked for the usual two families and every family its endpoints returned.</summary>
    public static ScrapeRound Round(DateTimeOffset at, params EndpointScrape[] endpoints) =>
        new(at, endpoints, new HashSet<string>(endpoints.SelectMany(e => e.Families?.Keys ?? []).Append(Waiting).Append(Ttft)));

    public static SampleWindow Window(params ScrapeRound[] rounds)
    {
        var window = new SampleWindow();
        foreach (var round in rounds)
        {
            window.Add(round);
        }

        return window;
    }

    public static MetricQuery Query(AggregationKind aggregation, double threshold = 10, string family = Waiting, int windowSeconds = 300, double quantile = 0.95) =>
        new(ScrapeProfile.Default, family, aggregation, threshold, TimeSpan.FromSeconds(windowSeconds), quantile);

    /// <summary>The staleness bound of these tests: above every gap their (sparsely sampled) windows have.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(100);

    public static MetricAnswer Aggregate(IAggregator aggregator, MetricQuery query, SampleWindow window, DateTimeOffset now, InferenceSetSnapshot? inferenceSet = null, TimeSpan? staleAfter = null) =>
        aggregator.Aggregate(new AggregationContext(query, window, inferenceSet ?? InferenceSet, now, staleAfter ?? StaleAfter));
}
