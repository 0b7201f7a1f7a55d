using Microsoft.Extensions.Time.Testing;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Windows;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;

namespace OrleansKaitoScaler.Grains.Tests.Windows;

public sealed class InferenceSetTargetsTests
{
    private const string Waiting = "vllm:num_requests_waiting";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedScraper _scraper = new();
    private readonly ScrapeOptions _options = new() { Interval = TimeSpan.FromSeconds(15), TargetTtl = TimeSpan.FromMinutes(20) };
    private readonly InferenceSetSnapshot _inferenceSet = new(
        new InferenceSetKey("default", "phi-4"),
        true,
        2,
        2,
        [new InferenceSetService("phi-4-0", "10.0.0.1", null), new InferenceSetService("phi-4-1", "10.0.0.2", 8000)]);

    private InferenceSetTargets NewTargets() => new(_scraper, _options, _clock);

    private static MetricQuery Query(string family = Waiting, AggregationKind aggregation = AggregationKind.Sum, ScrapeProfile? profile = null, int windowSeconds = 300) =>
        new(profile ?? ScrapeProfile.Default, family, aggregation, 10, TimeSpan.FromSeconds(windowSeconds));

    [Fact]
    public async Task The_first_registration_asks_for_an_immediate_scrape_and_later_ones_do_not()
    {
        var targets = NewTargets();

        var first = targets.Register(Query());
        var again = targets.Register(Query());

        Assert.NotNull(first);
        Assert.Null(again);
        await targets.ScrapeAsync(first, _inferenceSet, CancellationToken.None);
        Assert.Equal(2, _scraper.Calls.Count);
    }

    [Fact]
    public async Task Triggers_with_the_same_profile_share_one_scrape_of_every_endpoint()
    {
        var targets = NewTargets();
        _scraper.Answer("10.0.0.1", 3);
        _scraper.Answer("10.0.0.2", 4);
        targets.Register(Query(Waiting));
        targets.Register(Query("vllm:num_requests_running"));

        await targets.ScrapeAllAsync(_inferenceSet, CancellationToken.None);

        Assert.Equal(2, _scraper.Calls.Count);
        Assert.All(_scraper.Calls, c => Assert.Equal(2, c.Families.Count));
        Assert.Equal(MetricAnswer.Of(7), targets.Answer(Query(Waiting), _inferenceSet));
    }

    [Fact]
    public async Task Endpoints_are_formed_from_the_profile_with_the_service_port_winning()
    {
        var targets = NewTargets();
        var profile = new ScrapeProfile("modelpod", "http", 5000, "/custom", TimeSpan.FromMilliseconds(700));
        var scraped = new List<Uri>();
        var recorder = new RecordingScraper(scraped);
        var recordingTargets = new InferenceSetTargets(recorder, _options, _clock);
        recordingTargets.Register(Query(profile: profile));

        await recordingTargets.ScrapeAllAsync(_inferenceSet, CancellationToken.None);

        Assert.Equal(["http://10.0.0.1:5000/custom", "http://10.0.0.2:8000/custom"], scraped.Select(u => u.ToString()).Order());
        Assert.Empty(targets.All);
    }

    [Fact]
    public async Task A_target_goes_stale_when_scraping_stops_and_fresh_again_when_it_resumes()
    {
        var targets = NewTargets();
        _scraper.Answer("10.0.0.1", 1);
        _scraper.Answer("10.0.0.2", 1);
        targets.Register(Query());
        await targets.ScrapeAllAsync(_inferenceSet, CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(46));
        Assert.Equal(ScalerOutcome.Unavailable, targets.Answer(Query(), _inferenceSet).Outcome);

        await targets.ScrapeAllAsync(_inferenceSet, CancellationToken.None);
        Assert.Equal(MetricAnswer.Of(2), targets.Answer(Query(), _inferenceSet));
    }

    [Fact]
    public void A_target_not_asked_about_for_the_ttl_is_forgotten()
    {
        var targets = NewTargets();
        targets.Register(Query());

        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Empty(targets.ForgetIdle());
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([(ScrapeProfile.Default, Waiting)], targets.ForgetIdle());
        Assert.True(targets.IsEmpty);
    }

    [Fact]
    public void A_target_is_never_forgotten_sooner_than_its_window()
    {
        var targets = NewTargets();
        targets.Register(Query("vllm:e2e_request_latency_seconds", AggregationKind.WindowedAverage, windowSeconds: 3600));

        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(targets.ForgetIdle());
        _clock.Advance(TimeSpan.FromMinutes(31));

        Assert.Single(targets.ForgetIdle());
    }

    [Fact]
    public async Task The_window_keeps_only_what_the_longest_trigger_window_needs()
    {
        var targets = NewTargets();
        _scraper.Answer("10.0.0.1", 1);
        _scraper.Answer("10.0.0.2", 1);
        targets.Register(Query("vllm:time_to_first_token_seconds", AggregationKind.WindowedAverage, windowSeconds: 60));

        for (var i = 0; i < 20; i++)
        {
            await targets.ScrapeAllAsync(_inferenceSet, CancellationToken.None);
            _clock.Advance(TimeSpan.FromSeconds(15));
        }

        var window = Assert.Single(targets.All).Window;
        Assert.InRange(window.Rounds.Count, 5, 6);
    }

    [Fact]
    public async Task Buckets_are_kept_only_for_a_family_a_quantile_reads_and_a_quantile_asks_for_them_at_once()
    {
        const string ttft = "vllm:time_to_first_token_seconds";
        var targets = NewTargets();
        _scraper.Answer("10.0.0.1", 1);
        _scraper.Answer("10.0.0.2", 1);
        var target = targets.Register(Query(ttft, AggregationKind.WindowedAverage, windowSeconds: 60));
        Assert.NotNull(target);
        await targets.ScrapeAllAsync(_inferenceSet, CancellationToken.None);

        Assert.False(_scraper.Selections[^1].KeepsBuckets(0));
        Assert.Empty(target.Window.Newest!.BucketFamilies!);

        // A quantile of the same family needs what the rounds so far dropped: scrape it now, with buckets.
        Assert.Same(target, targets.Register(Query(ttft, AggregationKind.Quantile, windowSeconds: 60)));
        Assert.Null(targets.Register(Query(ttft, AggregationKind.Quantile, windowSeconds: 60)));
        Assert.Null(targets.Register(Query(ttft, AggregationKind.WindowedAverage, windowSeconds: 60)));
        await targets.ScrapeAsync(target, _inferenceSet, CancellationToken.None);

        Assert.True(_scraper.Selections[^1].KeepsBuckets(0));
        Assert.Equal([ttft], target.Window.Newest!.BucketFamilies!);
        Assert.False(target.Window.Rounds[0].CoversBuckets(ttft));
        Assert.True(target.Window.Rounds[^1].CoversBuckets(ttft));
    }

    [Fact]
    public void The_gate_never_registers_a_scrape()
    {
        var targets = NewTargets();

        Assert.Null(targets.Register(Query("readiness_gate", AggregationKind.Gate)));
        Assert.True(targets.IsEmpty);
        Assert.Equal(MetricAnswer.Of(1), targets.Answer(Query("readiness_gate", AggregationKind.Gate), _inferenceSet));
    }

    [Fact]
    public async Task A_family_registered_during_a_scrape_is_scraped_right_after_it()
    {
        var gate = new TaskCompletionSource();
        var asked = new List<IReadOnlyCollection<string>>();
        var scraper = new GatedScraper(gate.Task, asked);
        var targets = new InferenceSetTargets(scraper, _options, _clock);
        var first = targets.Register(Query())!;
        var running = targets.ScrapeAsync(first, _inferenceSet, CancellationToken.None);

        var second = targets.Register(Query("vllm:num_requests_running"));
        var skipped = targets.ScrapeAsync(second!, _inferenceSet, CancellationToken.None);
        gate.SetResult();
        await Task.WhenAll(running, skipped);

        // Two endpoints per round: the first round without the new family, then one more with it.
        Assert.Equal(4, asked.Count);
        Assert.DoesNotContain("vllm:num_requests_running", asked[0]);
        Assert.Contains("vllm:num_requests_running", asked[^1]);
    }

    [Fact]
    public async Task A_tick_that_finds_a_scrape_in_flight_does_not_queue_another()
    {
        var gate = new TaskCompletionSource();
        var asked = new List<IReadOnlyCollection<string>>();
        var targets = new InferenceSetTargets(new GatedScraper(gate.Task, asked), _options, _clock);
        var target = targets.Register(Query())!;
        var running = targets.ScrapeAsync(target, _inferenceSet, CancellationToken.None);

        var tick = targets.ScrapeAsync(target, _inferenceSet, CancellationToken.None);
        gate.SetResult();
        await Task.WhenAll(running, tick);

        Assert.Equal(2, asked.Count);
    }

    private sealed class GatedScraper(Task gate, List<IReadOnlyCollection<string>> asked) : IMetricsScraper
    {
        public async Task<EndpointScrape> ScrapeAsync(ScrapeEndpoint endpoint, TimeSpan timeout, Grains.Scraping.Exposition.FamilySelection families, CancellationToken cancellationToken)
        {
            asked.Add(families.Names);
            await gate;
            return Aggregation.Samples.Gauge(endpoint.Name, 1);
        }
    }

    private sealed class RecordingScraper(List<Uri> urls) : IMetricsScraper
    {
        public Task<EndpointScrape> ScrapeAsync(ScrapeEndpoint endpoint, TimeSpan timeout, Grains.Scraping.Exposition.FamilySelection families, CancellationToken cancellationToken)
        {
            urls.Add(endpoint.Url!);
            return Task.FromResult(Aggregation.Samples.Gauge(endpoint.Name, 0));
        }
    }
}
