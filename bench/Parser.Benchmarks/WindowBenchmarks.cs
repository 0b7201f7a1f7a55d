using BenchmarkDotNet.Attributes;
using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Aggregation;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Parser.Benchmarks;

/// <summary>
/// The window's side of a call and of a scrape: a <c>windowed-avg</c> and a <c>sum</c> answered from a 5-minute window
/// of 61 rounds (5 s apart, one replica, the two families of the memory measurement), all but the newest packed; and
/// adding a round, which packs the one before it.
/// </summary>
[MemoryDiagnoser]
public class WindowBenchmarks
{
    private const string Waiting = "vllm:num_requests_waiting";
    private const string Ttft = "vllm:time_to_first_token_seconds";
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlySet<string> Families = new HashSet<string>(StringComparer.Ordinal) { Waiting, Ttft };
    private static readonly InferenceSetSnapshot InferenceSet = new(new InferenceSetKey("default", "phi-4"), true, 1, 1, []);

    private readonly WindowedAverageAggregator _windowedAverage = new();
    private readonly SumAggregator _sum = new();
    private SampleWindow _window = new();
    private AggregationContext _average = null!;
    private AggregationContext _total = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _window = new SampleWindow();
        for (var i = 0; i <= 60; i++)
        {
            _window.Add(Round(i));
        }

        var now = T0.AddSeconds(300);
        _average = new AggregationContext(new MetricQuery(ScrapeProfile.Default, Ttft, Aggregation.WindowedAverage, 0.5, TimeSpan.FromSeconds(300), 0.95), _window, InferenceSet, now, TimeSpan.FromSeconds(15));
        _total = new AggregationContext(new MetricQuery(ScrapeProfile.Default, Waiting, Aggregation.Sum, 10, TimeSpan.FromSeconds(300), 0.95), _window, InferenceSet, now, TimeSpan.FromSeconds(15));
        _next = 61;
    }

    [Benchmark]
    public double WindowedAverageOver61Rounds() => _windowedAverage.Aggregate(_average).Value;

    [Benchmark]
    public double SumOfTheNewestRound() => _sum.Aggregate(_total).Value;

    /// <summary>A round added and the window pruned to 5 minutes, as after every scrape: the previous newest is packed.</summary>
    [Benchmark]
    public int AddARound()
    {
        var round = Round(_next++);
        _window.Add(round);
        _window.Prune(round.At, TimeSpan.FromSeconds(305));
        return _window.Count;
    }

    private static ScrapeRound Round(int i) =>
        new(T0.AddSeconds(5 * i), [EndpointScrape.Success("phi-4-0", new Dictionary<string, FamilyValue>(StringComparer.Ordinal)
        {
            [Waiting] = new(i % 7, null),
            [Ttft] = new(0, new HistogramValue(0.05 * i, i, [])),
        }, TimeSpan.FromMilliseconds(3), 47_000)], Families);
}
