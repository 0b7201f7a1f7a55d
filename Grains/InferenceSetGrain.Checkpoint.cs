using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Checkpoints;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.Grains.State;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains;

/// <summary>
/// Window survival: after every round the grain appends it to its copy on another silo
/// (<see cref="IWindowCheckpointGrain"/>), and a new activation starts from that copy. A migration (the balancer,
/// a drain before shutdown) carries the window in memory instead.
/// </summary>
internal sealed partial class InferenceSetGrain : IGrainMigrationParticipant
{
    private const string MigrationKey = "window";
    private readonly Guid _writer = Guid.NewGuid();
    private long _sequence;
    private bool _copyAccepted;
    private bool _copyFailing;
    private bool _rehydrated;
    private bool _copyMayExist;
    private Task _checkpointing = Task.CompletedTask;

    private IWindowCheckpointGrain Copy => GrainFactory.GetGrain<IWindowCheckpointGrain>(_key.ToString());

    /// <inheritdoc />
    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(dehydrationContext);
        dehydrationContext.TryAddValue(MigrationKey, NextFullCheckpoint());
    }

    /// <inheritdoc />
    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(rehydrationContext);
        if (rehydrationContext.TryGetValue(MigrationKey, out WindowCheckpoint? checkpoint) && checkpoint is not null)
        {
            Restore(checkpoint);
            _rehydrated = true;

            // The activation it left wrote a copy: deleted meanwhile, this one must clear it (ForgetDeleted).
            _copyMayExist = _options.CheckpointWindows;
        }
    }

    /// <summary>On activation: the window a migration brought, else the copy on another silo, else nothing.</summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (!_rehydrated && _options.CheckpointWindows)
        {
            try
            {
                var checkpoint = await WithOwner(() => Copy.Load()).WaitAsync(_options.CheckpointTimeout, time, cancellationToken);
                if (checkpoint is not null)
                {
                    _copyMayExist = true;
                    Restore(checkpoint);
                    Log.WindowRestored(logger, _key, checkpoint.RoundCount, checkpoint.Triggers.Count);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.CheckpointUnreadable(logger, e, _key);
            }
        }

        if (inventory.IsSynced && !inventory.TryGet(_key, out _))
        {
            // Deleted while its grain moved (a silo killed, a migration, a drain's move that re-activated it): the
            // copy outlived it. Waiting for a change event would wait forever, as the deletion was announced before
            // this activation watched; and the call that activated it need not be KEDA's, which would let it go.
            ForgetDeleted();
            ReleaseAfterActivation();
            return;
        }

        // Before the first list a missing InferenceSet cannot be told from an unknown one: the list's change event
        // (OnInventoryChanged) settles it either way.
        ResumeScraping();
    }

    /// <summary>
    /// Lets an activation for a missing InferenceSet go once its activating call is done: deactivating inside
    /// <c>OnActivateAsync</c> would reject that call, so a one-shot timer asks on the grain's first turn after it.
    /// </summary>
    private void ReleaseAfterActivation()
    {
        IGrainTimer? once = null;
        once = this.RegisterGrainTimer(
            () =>
            {
                once?.Dispose();
                if (inventory.IsSynced && !inventory.TryGet(_key, out _))
                {
                    ReleaseIfIdle();
                }

                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
    }

    /// <summary>Restored targets carry on at once: the window is only as good as its newest round.</summary>
    private void ResumeScraping()
    {
        if (_targets.IsEmpty || _timer is not null || !inventory.TryGet(_key, out var snapshot))
        {
            return;
        }

        EnsureTimer();
        foreach (var target in _targets.All.ToArray())
        {
            ScrapeInBackground(target, snapshot);
        }
    }

    private void Restore(WindowCheckpoint checkpoint)
    {
        foreach (var trigger in checkpoint.Triggers)
        {
            if (!_triggers.TryGetValue(trigger.Query, out var history))
            {
                _triggers.Add(trigger.Query, new TriggerHistory { LastAsked = trigger.LastAsked });
            }
            else if (history.LastAsked < trigger.LastAsked)
            {
                history.LastAsked = trigger.LastAsked;
            }
        }

        _targets.Restore(
            checkpoint.Triggers.Select(t => (t.Query, t.LastAsked)),
            checkpoint.Rounds.ToDictionary(r => r.Key, r => CheckpointedRound.ToRounds(r.Value)));
    }

    /// <summary>
    /// Appends the target's newest round to the copy, in order, after the writes before it; with
    /// <paramref name="whole"/>, sends the whole window instead (it restarted, and the copy must restart with it).
    /// </summary>
    private void QueueCheckpoint(ScrapeTarget target, bool whole = false)
    {
        if (!_options.CheckpointWindows || _deactivating || target.Window.Newest is not { } round)
        {
            return;
        }

        if (!membership.HasActiveSiloBesides(GrainContext.Address.SiloAddress!))
        {
            // Alone, a copy could only live on this silo and would be lost with it: keep none (and clear one kept
            // while there was another silo). When a silo joins, the next round sends the whole window to it.
            ClearCheckpoint();
            return;
        }

        _copyMayExist = true;
        _checkpointing = WriteAsync(_checkpointing, target.Profile, CheckpointedRound.From(round), target.Retention(_options.Interval));

        async Task WriteAsync(Task previous, ScrapeProfile profile, CheckpointedRound checkpointed, TimeSpan retention)
        {
            await previous;
            try
            {
                if (_copyAccepted && !whole)
                {
                    var append = new CheckpointAppend(_writer, _sequence + 1, Triggers(), profile, checkpointed, retention);
                    if (await WithOwner(() => Copy.Append(append)))
                    {
                        _sequence++;
                        CopyRecovered();
                        return;
                    }
                }

                // No copy yet, or the copy was lost with its silo (or holds another activation's): send all of it.
                var full = NextFullCheckpoint();
                await WithOwner(async () =>
                {
                    await Copy.Replace(full);
                    return true;
                });
                _copyAccepted = true;
                CopyRecovered();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _copyAccepted = false;
                if (!_copyFailing)
                {
                    _copyFailing = true;
                    Log.CheckpointFailed(logger, e, _key);
                }
            }
        }
    }

    /// <summary>Forgets the copy (deleted, or nobody asks any more), after the writes queued before.</summary>
    private void ClearCheckpoint()
    {
        if (!_copyMayExist)
        {
            return;
        }

        _copyMayExist = false;
        _copyAccepted = false;
        _checkpointing = ClearAsync(_checkpointing);

        async Task ClearAsync(Task previous)
        {
            await previous;
            try
            {
                await Copy.Clear();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.CheckpointFailed(logger, e, _key);
            }
        }
    }

    private void CopyRecovered()
    {
        if (_copyFailing)
        {
            _copyFailing = false;
            Log.CheckpointRecovered(logger, _key);
        }
    }

    /// <summary>
    /// The whole window as the copy's next write: it takes the next sequence number, so the appends after it follow it
    /// and a copy still holding an older write refuses them.
    /// </summary>
    private WindowCheckpoint NextFullCheckpoint()
    {
        _sequence++;
        return new WindowCheckpoint
        {
            Writer = _writer,
            Sequence = _sequence,
            Triggers = [.. Triggers()],
            Rounds = _targets.All.ToDictionary(t => t.Profile, t => t.Window.Rounds.Select(CheckpointedRound.From).ToList()),
        };
    }

    private CheckpointedTrigger[] Triggers() => [.. _triggers.Select(t => new CheckpointedTrigger(t.Key, t.Value.LastAsked))];

    /// <summary>Calls the copy with this silo named as the one to stay away from (its placement reads it).</summary>
    private async Task<T> WithOwner<T>(Func<Task<T>> call)
    {
        RequestContext.Set(ApartFromOwnerPlacement.OwnerKey, GrainContext.Address.SiloAddress!);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(ApartFromOwnerPlacement.OwnerKey);
        }
    }
}
