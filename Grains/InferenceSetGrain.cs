using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Utilities;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.State;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains;

/// <summary>
/// One InferenceSet (key <c>namespace/name</c>): owns the scrape timer of its targets, their windows and
/// the answers KEDA gets. Reentrant so that a KEDA call never waits behind a scrape in flight; all state
/// changes happen between awaits on the grain's single thread.
/// </summary>
[Reentrant]
[RendezvousPlacement]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Orleans ends a grain through OnDeactivateAsync, which disposes the scrape cancellation.")]
internal sealed partial class InferenceSetGrain(
    IInferenceSetInventory inventory,
    IMetricsScraper scraper,
    IOptions<ScrapeOptions> options,
    InferenceSetStateRegistry states,
    LocalInferenceSets local,
    IClusterMembershipService membership,
    TimeProvider time,
    ILogger<InferenceSetGrain> logger) : Grain, IInferenceSetGrain, IInventoryChangeReceiver
{
    private readonly ScrapeOptions _options = options.Value;
    private readonly InferenceSetTargets _targets = new(scraper, options.Value, time);
    private readonly HashSet<(ScrapeProfile, string)> _clampLogged = [];
    private readonly Dictionary<MetricQuery, TriggerHistory> _triggers = [];
    private ObserverManager<IActivityObserver>? _observers;
    private IDisposable? _inventoryWatch;
    private IGrainTimer? _timer;
    private CancellationTokenSource _scrapes = new();
    private bool _deactivating;
    private InferenceSetKey _key;
    private ScrapePhase _phase;
    private bool? _lastActive;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = InferenceSetKey.Parse(this.GetPrimaryKeyString());
        _phase = ScrapePhase.Of(_key.ToString(), _options.Interval);
        _observers = new ObserverManager<IActivityObserver>(ActivitySubscription.Lifetime, logger)
        {
            GetDateTime = () => time.GetUtcNow().UtcDateTime,
        };
        var self = this.AsReference<IInventoryChangeReceiver>();
        _inventoryWatch = inventory.Watch(_key, _ => self.OnInventoryChanged().Ignore());
        _lastActive = inventory.TryGet(_key, out var snapshot) ? snapshot.Ready : null;
        local.Add(_key);
        return RestoreAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        _inventoryWatch?.Dispose();
        StopScraping();
        _scrapes.Dispose();
        states.Remove(_key);
        local.Remove(_key);
        if (_targets.IsEmpty)
        {
            // Idle or deleted: nobody will want this window back.
            ClearCheckpoint();
        }

        try
        {
            // Let the last round reach the copy (a shutdown): bounded, as a lost silo would not wait at all.
            await _checkpointing.WaitAsync(_options.CheckpointTimeout, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Log.CheckpointFailed(logger, e, _key);
        }
    }

    /// <inheritdoc />
    public Task<ActivityAnswer> GetActivity()
    {
        var answer = CurrentActivity();
        if (answer.Outcome == ScalerOutcome.NotFound)
        {
            ReleaseIfIdle();
        }

        return Task.FromResult(answer);
    }

    /// <inheritdoc />
    public Task<MetricAnswer> GetMetric(MetricQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var activity = ScalerTelemetry.Source.StartActivity("InferenceSet.GetMetric");
        activity?.SetTag("oks.inferenceset", _key.ToString());
        activity?.SetTag("oks.metric", query.MetricName);
        if (!inventory.IsSynced)
        {
            return Task.FromResult(MetricAnswer.Unavailable(NotSyncedMessage));
        }

        if (!inventory.TryGet(_key, out var snapshot))
        {
            ReleaseIfIdle();
            return Task.FromResult(MetricAnswer.NotFound(NotFoundMessage()));
        }

        if (!_triggers.TryGetValue(query, out var trigger))
        {
            trigger = new TriggerHistory();
            _triggers.Add(query, trigger);
        }

        trigger.LastAsked = time.GetUtcNow();
        if (_targets.Register(query) is { } fresh)
        {
            Log.TargetRegistered(logger, _key, query.MetricName, query.Profile.Protocol, query.Profile.Port, query.Profile.Path);
            EnsureTimer();
            ScrapeInBackground(fresh, snapshot);
        }

        var answer = Clamp(query, _targets.Answer(query, snapshot));
        activity?.SetTag("oks.status", TriggerStatus.Of(answer));
        return Task.FromResult(answer);
    }

    /// <inheritdoc />
    public Task SubscribeActivity(IActivityObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers!.Subscribe(observer, observer);
        return observer.OnActivityChanged(CurrentActivity());
    }

    /// <inheritdoc />
    public Task UnsubscribeActivity(IActivityObserver observer)
    {
        _observers!.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnInventoryChanged()
    {
        var answer = CurrentActivity();
        if (answer.Outcome == ScalerOutcome.Unavailable)
        {
            return Task.CompletedTask;
        }

        if (answer.Outcome == ScalerOutcome.NotFound)
        {
            // Deleted: stop at once rather than at the next TTL, and tell streams why they end.
            ForgetDeleted();
            return NotifyAsync(answer);
        }

        // Targets restored before the silo's first list have no timer yet: the list that shows the InferenceSet starts it.
        ResumeScraping();
        if (_lastActive != answer.IsActive)
        {
            _lastActive = answer.IsActive;
            Log.ActivityChanged(logger, _key, answer.IsActive);
            Publish();
            return NotifyAsync(answer);
        }

        return Task.CompletedTask;
    }

    /// <summary>The InferenceSet is gone: its targets, triggers, window copy and state page go with it.</summary>
    private void ForgetDeleted()
    {
        if (!_targets.IsEmpty)
        {
            Log.InferenceSetDeleted(logger, _key);
        }

        _targets.Clear();
        _triggers.Clear();
        _clampLogged.Clear();
        StopScraping();
        ClearCheckpoint();
        states.Remove(_key);
        _lastActive = null;
    }

    private ActivityAnswer CurrentActivity() =>
        !inventory.IsSynced ? ActivityAnswer.Unavailable(NotSyncedMessage)
        : inventory.TryGet(_key, out var snapshot) ? ActivityAnswer.Of(snapshot.Ready)
        : ActivityAnswer.NotFound(NotFoundMessage());

    /// <summary>Before the first full list nobody can say an InferenceSet is missing: KEDA should wait, not give up.</summary>
    private const string NotSyncedMessage = "the scaler has not finished its first list of InferenceSets yet";

    private string NotFoundMessage() => $"InferenceSet {_key} not found";

    private async Task NotifyAsync(ActivityAnswer answer)
    {
        await _observers!.Notify(o => o.OnActivityChanged(answer));

        // Re-created while the observers were told? Then it is not gone: keep the new registrations.
        if (answer.Outcome == ScalerOutcome.NotFound && !inventory.TryGet(_key, out _))
        {
            _observers.Clear();
            this.DeactivateOnIdle();
        }
    }

    /// <summary>
    /// A call about an InferenceSet that does not exist (KEDA asking right after a deletion, or a ScaledObject naming a
    /// missing one) activated this grain for nothing: let it go at once rather than after Orleans' idle collection
    /// age, so active grains (<c>oks.grains.active</c>) stay the InferenceSets being served.
    /// </summary>
    private void ReleaseIfIdle()
    {
        if (_targets.IsEmpty && _observers!.Count == 0)
        {
            this.DeactivateOnIdle();
        }
    }

    private void EnsureTimer()
    {
        _timer ??= this.RegisterGrainTimer(
            OnTickAsync,
            new GrainTimerCreationOptions(_phase.UntilNextRound(time.GetUtcNow()), _options.Interval) { Interleave = true, KeepAlive = true });
    }

    private void StopScraping()
    {
        _timer?.Dispose();
        _timer = null;

        // Requests under way for a deleted InferenceSet (or a deactivating grain) are abandoned, not waited for.
        _scrapes.Cancel();
        if (!_deactivating)
        {
            _scrapes = new CancellationTokenSource();
        }
    }

    private Task OnTickAsync(CancellationToken cancellationToken)
    {
        foreach (var (profile, family) in _targets.ForgetIdle())
        {
            Log.TargetDropped(logger, _key, family, profile.Path, _options.TargetTtl);
            _clampLogged.Remove((profile, family));
        }

        ForgetIdleTriggers();

        if (_targets.IsEmpty)
        {
            StopScraping();
            if (_observers!.Count == 0)
            {
                this.DeactivateOnIdle();
            }

            return Task.CompletedTask;
        }

        // Back onto this InferenceSet's slot: the timer counts each period from the end of a tick, and would drift.
        _timer?.Change(_phase.UntilRoundAfterTick(time.GetUtcNow()), _options.Interval);
        if (inventory.TryGet(_key, out var snapshot))
        {
            // Each target on its own: a target whose replica hangs until its timeout must not delay the others' rounds.
            foreach (var target in _targets.All.ToArray())
            {
                ScrapeInBackground(target, snapshot);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A trigger nobody asked about for the TTL (never sooner than its window) leaves the state page.</summary>
    private void ForgetIdleTriggers()
    {
        var now = time.GetUtcNow();
        foreach (var (query, history) in _triggers.ToArray())
        {
            var keep = query.CacheWindow > _options.TargetTtl ? query.CacheWindow : _options.TargetTtl;
            if (now - history.LastAsked > keep)
            {
                _triggers.Remove(query);
            }
        }
    }

    private void ScrapeInBackground(ScrapeTarget target, InferenceSetSnapshot snapshot)
    {
        // Runs on the grain's scheduler; a KEDA call is not held up by it (the grain is reentrant).
        var cancellation = _scrapes.Token;
        _ = ScrapeNowAsync();

        async Task ScrapeNowAsync()
        {
            try
            {
                await _targets.ScrapeAsync(target, snapshot, cancellation);
                var step = target.TakeClockStep();
                if (step is { } stepped)
                {
                    Log.WindowRestartedByClockStep(logger, _key, target.Profile.Path, stepped.TotalSeconds);
                }

                Publish();
                QueueCheckpoint(target, whole: step is not null);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Deleted or deactivating: the round is abandoned on purpose.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.ScrapeCrashed(logger, e, _key);
            }
        }
    }

    private MetricAnswer Clamp(MetricQuery query, MetricAnswer answer)
    {
        if (answer.Outcome != ScalerOutcome.Ok || answer.Value >= 0)
        {
            return answer;
        }

        if (_clampLogged.Add((query.Profile, query.MetricName)))
        {
            Log.NegativeValueClamped(logger, _key, query.MetricName, answer.Value);
        }

        return MetricAnswer.Of(0);
    }
}
