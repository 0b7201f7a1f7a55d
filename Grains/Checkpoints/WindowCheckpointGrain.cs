using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OrleansKaitoScaler.Grains.Placement;

namespace OrleansKaitoScaler.Grains.Checkpoints;

/// <summary>
/// Keeps the copy in memory (<see cref="WindowCopy"/>), on a silo other than its InferenceSet grain's. When the grain moved onto this copy's silo
/// (it was re-activated after a silo loss), the copy moves away after the write, carrying its data along; with no
/// other silo to go to, it stays.
/// </summary>
[ApartFromOwnerPlacement]
internal sealed partial class WindowCheckpointGrain(ILocalSiloDetails silo, IClusterMembershipService membership, ILogger<WindowCheckpointGrain> logger)
    : Grain, IWindowCheckpointGrain, IGrainMigrationParticipant
{
    private const string MigrationKey = "checkpoint";
    private WindowCopy? _copy;

    public Task<WindowCheckpoint?> Load()
    {
        if (_copy is null)
        {
            // Every InferenceSet activation asks; an empty copy (a new or deleted InferenceSet) has nothing to keep.
            DeactivateOnIdle();
        }

        return Task.FromResult(_copy?.ToCheckpoint());
    }

    public Task Replace(WindowCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        _copy = WindowCopy.Of(checkpoint);
        MoveAwayFromOwner();
        return Task.CompletedTask;
    }

    public Task<bool> Append(CheckpointAppend append)
    {
        ArgumentNullException.ThrowIfNull(append);
        if (_copy is null || !_copy.TryApply(append))
        {
            return Task.FromResult(false);
        }

        MoveAwayFromOwner();
        return Task.FromResult(true);
    }

    public Task Clear()
    {
        _copy = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(dehydrationContext);
        if (_copy is not null)
        {
            dehydrationContext.TryAddValue(MigrationKey, _copy.ToCheckpoint());
        }
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(rehydrationContext);
        if (rehydrationContext.TryGetValue(MigrationKey, out WindowCheckpoint? checkpoint))
        {
            _copy = checkpoint is null ? null : WindowCopy.Of(checkpoint);
        }
    }

    /// <summary>
    /// The caller's request context names the owner's silo; when it is this one and another silo is active, migrate
    /// once idle. The placement sees the same request context, so it picks another silo. With none (a single silo),
    /// the copy stays: a migration whose placement finds no other silo does not move the grain, it deactivates it, and
    /// the copy would be lost after every write, to be sent whole again on the next.
    /// </summary>
    private void MoveAwayFromOwner()
    {
        if (RequestContext.Get(ApartFromOwnerPlacement.OwnerKey) is SiloAddress owner
            && owner.Equals(silo.SiloAddress)
            && membership.HasActiveSiloBesides(owner))
        {
            Log.MovingAwayFromOwner(logger, this.GetPrimaryKeyString(), owner);
            this.MigrateOnIdle();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1101, LogLevel.Debug, "Window checkpoint of {InferenceSet} shares silo {Silo} with its grain; moving it to another silo")]
        public static partial void MovingAwayFromOwner(ILogger logger, string inferenceSet, SiloAddress silo);
    }
}
