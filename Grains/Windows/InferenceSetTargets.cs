using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Aggregation;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Scraping;

namespace OrleansKaitoScaler.Grains.Windows;

/// <summary>
/// The scrape targets of one InferenceSet and their windows: registration, scraping every endpoint in
/// parallel, answering queries and forgetting what KEDA stopped asking about. Orleans-free, so the rules
/// are tested with a fake clock; <see cref="InferenceSetGrain"/> supplies the timer and the inventory.
/// </summary>
public sealed class InferenceSetTargets(IMetricsScraper scraper, ScrapeOptions options, TimeProvider time)
{
    private readonly Dictionary<ScrapeProfile, ScrapeTarget> _targets = [];

    public bool IsEmpty => _targets.Count == 0;

    public IReadOnlyCollection<ScrapeTarget> All => _targets.Values;

    /// <summary>
    /// Notes that a trigger asked; returns the target to scrape at once when the query brings a family it
    /// does not yet extract, or needs buckets it does not yet keep (the first registration scrapes immediately
    /// instead of waiting an interval).
    /// </summary>
    public ScrapeTarget? Register(MetricQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!Aggregators.Scrapes(query.Aggregation))
        {
            return null;
        }

        if (!_targets.TryGetValue(query.Profile, out var target))
        {
            target = new ScrapeTarget(query.Profile);
            _targets.Add(query.Profile, target);
        }

        if (!target.Register(query, time.GetUtcNow()))
        {
            return null;
        }

        // The round under way was asked without this family (or its buckets): scrape once more as soon as it ends.
        target.RescrapeRequested |= target.ScrapeInFlight;
        return target;
    }

    /// <summary>
    /// Takes back a checkpointed state (a re-activation after a silo loss, or a migration): the triggers as registered
    /// when KEDA last asked, and the rounds of their targets. Targets that already hold rounds keep them.
    /// </summary>
    public void Restore(IEnumerable<(MetricQuery Query, DateTimeOffset LastAsked)> triggers, IReadOnlyDictionary<ScrapeProfile, IReadOnlyList<ScrapeRound>> rounds)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        ArgumentNullException.ThrowIfNull(rounds);
        foreach (var (query, lastAsked) in triggers)
        {
            if (!Aggregators.Scrapes(query.Aggregation))
            {
                continue;
            }

            if (!_targets.TryGetValue(query.Profile, out var target))
            {
                target = new ScrapeTarget(query.Profile);
                _targets.Add(query.Profile, target);
            }

            target.Register(query, lastAsked);
        }

        foreach (var (profile, restored) in rounds)
        {
            if (_targets.TryGetValue(profile, out var target) && target.Window.Count == 0)
            {
                foreach (var round in restored)
                {
                    target.Window.Add(round);
                }
            }
        }
    }

    /// <summary>Answers a query from its target's window (the gate reads the inventory only).</summary>
    public MetricAnswer Answer(MetricQuery query, InferenceSetSnapshot inferenceSet)
    {
        ArgumentNullException.ThrowIfNull(query);
        var window = _targets.TryGetValue(query.Profile, out var target) ? target.Window : new SampleWindow();
        var context = new AggregationContext(query, window, inferenceSet, time.GetUtcNow(), options.StaleAfter);
        return Aggregators.For(query.Aggregation).Aggregate(context);
    }

    /// <summary>Scrapes every registered target once, in parallel, and waits for all (tests; the grain scrapes each on its own).</summary>
    public Task ScrapeAllAsync(InferenceSetSnapshot inferenceSet, CancellationToken cancellationToken) =>
        Task.WhenAll(_targets.Values.ToArray().Select(t => ScrapeAsync(t, inferenceSet, cancellationToken)));

    /// <summary>
    /// Scrapes all endpoints of one target in parallel (each with the profile's timeout, which the scraper caps)
    /// and appends the round to its window. Skipped when a scrape of the target is already under way; a family
    /// registered meanwhile (<see cref="Register"/>) gets one more round as soon as it ends.
    /// </summary>
    public async Task ScrapeAsync(ScrapeTarget target, InferenceSetSnapshot inferenceSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(inferenceSet);
        if (target.ScrapeInFlight)
        {
            return;
        }

        target.ScrapeInFlight = true;
        try
        {
            do
            {
                target.RescrapeRequested = false;
                await ScrapeRoundAsync(target, inferenceSet, cancellationToken);
            }
            while (target.RescrapeRequested && !target.IsEmpty && !cancellationToken.IsCancellationRequested);
        }
        finally
        {
            target.ScrapeInFlight = false;
        }
    }

    private async Task ScrapeRoundAsync(ScrapeTarget target, InferenceSetSnapshot inferenceSet, CancellationToken cancellationToken)
    {
        if (target.IsEmpty)
        {
            return;
        }

        var selection = target.Selection;
        var families = target.FamilyNames;
        var buckets = target.BucketFamilies;
        var endpoints = EndpointResolver.Resolve(inferenceSet, target.Profile);

        // A round is stamped when its requests go out, as Prometheus stamps a scrape at its start: window membership,
        // staleness and gaps go by that stamp. Rates time each endpoint's sample when its body had arrived (stamp plus
        // latency, WindowSelection.ByEndpoint), because the replica reads its counters only when the request reaches it.
        var (startedAt, stamp) = ReadClocks();
        var results = await Task.WhenAll(endpoints.Select(e => scraper.ScrapeAsync(e, target.Profile.Timeout, selection, cancellationToken)));
        if (StepSince(target, startedAt, stamp) is { } step)
        {
            // The wall clock stepped (NTP, a VM resumed) between this round and the one before: the window's times no
            // longer tell how far apart its samples are, so it restarts and warms up again, as after a step back that
            // puts rounds out of order. Re-timing it by the monotonic clock would be wrong when that clock stood still
            // while the replicas ran on (a paused VM), and reading across the step skews a rate by step / window.
            target.Window.Clear();
            target.ClockStep = step;
        }

        target.LastStamp = stamp is null ? null : (startedAt, stamp.Value);
        target.Window.Add(new ScrapeRound(startedAt, results, families) { BucketFamilies = buckets });
        target.Window.Prune(time.GetUtcNow(), target.Retention(options.Interval));
    }

    /// <summary>A wall-clock step larger than this between two rounds restarts the window (NTP slews, it does not step, below 128 ms).</summary>
    public static readonly TimeSpan ClockStepTolerance = TimeSpan.FromMilliseconds(500);

    /// <summary>Two monotonic readings further apart than this around a wall-clock reading do not pair with it.</summary>
    private static readonly TimeSpan PairingBound = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The wall clock, and the monotonic clock read at the same moment: between two monotonic readings at most
    /// <see cref="PairingBound"/> apart, so a thread stalled between the two clocks (a long GC pause, a starved
    /// core) is not taken for a clock step. Null for the monotonic reading when no pair came close enough in three tries;
    /// the round is then not compared.
    /// </summary>
    private (DateTimeOffset Wall, long? Timestamp) ReadClocks()
    {
        var wall = default(DateTimeOffset);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var before = time.GetTimestamp();
            wall = time.GetUtcNow();
            var after = time.GetTimestamp();
            if (time.GetElapsedTime(before, after) <= PairingBound)
            {
                return (wall, after);
            }
        }

        return (wall, null);
    }

    /// <summary>How far the wall clock moved beyond the monotonic clock since the target's last round, when more than the tolerance.</summary>
    private TimeSpan? StepSince(ScrapeTarget target, DateTimeOffset wall, long? stamp)
    {
        if (stamp is null || target.LastStamp is not { } last || target.Window.Count == 0)
        {
            return null;
        }

        var step = (wall - last.Wall) - time.GetElapsedTime(last.Timestamp, stamp.Value);
        return step.Duration() > ClockStepTolerance ? step : null;
    }

    /// <summary>Forgets families and targets KEDA has not asked about for the TTL (never sooner than their window).</summary>
    public IReadOnlyList<(ScrapeProfile Profile, string Family)> ForgetIdle()
    {
        var now = time.GetUtcNow();
        var forgotten = new List<(ScrapeProfile, string)>();
        foreach (var (profile, target) in _targets.ToArray())
        {
            forgotten.AddRange(target.ForgetIdle(now, options.TargetTtl).Select(f => (profile, f)));
            if (target.IsEmpty)
            {
                _targets.Remove(profile);
            }
        }

        return forgotten;
    }

    /// <summary>Drops every target at once (the InferenceSet was deleted).</summary>
    public void Clear() => _targets.Clear();
}
