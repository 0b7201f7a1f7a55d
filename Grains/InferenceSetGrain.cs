using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Utilities;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.Grains.Inventory;
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
internal sealed partial class InferenceSetGrain(
    IInferenceSetInventory inventory,
    IMetricsScraper scraper,
    IOptions<ScrapeOptions> options,
    InferenceSetStateRegistry states,
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
    private InferenceSetKey _key;
    private bool? _lastActive;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = InferenceSetKey.Parse(this.GetPrimaryKeyString());
        _observers = new ObserverManager<IActivityObserver>(ActivitySubscription.Lifetime, logger)
        {
            GetDateTime = () => time.GetUtcNow().UtcDateTime,
        };
        var self = this.AsReference<IInventoryChangeReceiver>();
        _inventoryWatch = inventory.Watch(_key, _ => self.OnInventoryChanged().Ignore());
        _lastActive = inventory.TryGet(_key, out var snapshot) ? snapshot.Ready : null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _inventoryWatch?.Dispose();
        StopScraping();
        states.Remove(_key);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ActivityAnswer> GetActivity() => Task.FromResult(CurrentActivity());

    /// <inheritdoc />
    public Task<MetricAnswer> GetMetric(MetricQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var activity = ScalerTelemetry.Source.StartActivity("InferenceSet.GetMetric");
        activity?.SetTag("oks.inferenceset", _key.ToString());
        activity?.SetTag("oks.metric", query.MetricName);
        if (!inventory.TryGet(_key, out var snapshot))
        {
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
        if (answer.Outcome == ScalerOutcome.NotFound)
        {
            // Deleted: stop at once rather than at the next TTL, and tell streams why they end.
            if (!_targets.IsEmpty)
            {
                Log.InferenceSetDeleted(logger, _key);
            }

            _targets.Clear();
            _triggers.Clear();
            StopScraping();
            states.Remove(_key);
            _lastActive = null;
            return NotifyAsync(answer);
        }

        if (_lastActive != answer.IsActive)
        {
            _lastActive = answer.IsActive;
            Log.ActivityChanged(logger, _key, answer.IsActive);
            Publish();
            return NotifyAsync(answer);
        }

        return Task.CompletedTask;
    }

    private ActivityAnswer CurrentActivity() =>
        inventory.TryGet(_key, out var snapshot) ? ActivityAnswer.Of(snapshot.Ready) : ActivityAnswer.NotFound(NotFoundMessage());

    private string NotFoundMessage() => $"InferenceSet {_key} not found";

    private async Task NotifyAsync(ActivityAnswer answer)
    {
        await _observers!.Notify(o => o.OnActivityChanged(answer));
        if (answer.Outcome == ScalerOutcome.NotFound)
        {
            _observers.Clear();
            this.DeactivateOnIdle();
        }
    }

    private void EnsureTimer()
    {
        _timer ??= this.RegisterGrainTimer(
            OnTickAsync,
            new GrainTimerCreationOptions(_options.Interval, _options.Interval) { Interleave = true, KeepAlive = true });
    }

    private void StopScraping()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        foreach (var (profile, family) in _targets.ForgetIdle())
        {
            Log.TargetDropped(logger, _key, family, profile.Path, _options.TargetTtl);
            foreach (var forgotten in _triggers.Keys.Where(q => q.Profile == profile && q.MetricName == family).ToList())
            {
                _triggers.Remove(forgotten);
            }
        }

        if (_targets.IsEmpty)
        {
            StopScraping();
            if (_observers!.Count == 0)
            {
                this.DeactivateOnIdle();
            }

            return;
        }

        if (inventory.TryGet(_key, out var snapshot))
        {
            await _targets.ScrapeAllAsync(snapshot, cancellationToken);
            Publish();
        }
    }

    private void ScrapeInBackground(ScrapeTarget target, InferenceSetSnapshot snapshot)
    {
        // Runs on the grain's scheduler; a KEDA call is not held up by it (the grain is reentrant).
        _ = ScrapeNowAsync();

        async Task ScrapeNowAsync()
        {
            try
            {
                await _targets.ScrapeAsync(target, snapshot, CancellationToken.None);
                Publish();
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
