using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using Orleans.Core.Internal;
using Orleans.Runtime;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>
/// Keeps InferenceSet grains where <see cref="RendezvousPlacement"/> would place them now. When a silo joins, each
/// silo migrates the grains the new one wins (a migration carries the window: no KEDA-visible gap); before this silo
/// shuts down it migrates all of its grains to the silos that stay.
/// </summary>
internal sealed partial class InferenceSetBalancer(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    LocalInferenceSets local,
    SiloDrain drain,
    IGrainFactory grains,
    IOptions<BalanceOptions> options,
    TimeProvider time,
    ILogger<InferenceSetBalancer> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly BalanceOptions _options = options.Value;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>
    /// After the silo became active; on stop, before the stage where the silo stops taking application messages, so the
    /// drain runs while calls to this silo's grains are still forwarded to where they moved.
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(InferenceSetBalancer), ServiceLifecycleStage.Active + 100, OnStartAsync, OnStopAsync);

    public void Dispose() => _stopping.Dispose();

    /// <summary>Moves the local grains that belong on another active silo (at most the per-interval limit); returns how many.</summary>
    public async Task<int> BalanceOnceAsync(CancellationToken cancellationToken)
    {
        var active = ActiveSilos();
        if (active.Length < 2)
        {
            return 0;
        }

        var moves = new List<Task>();
        foreach (var key in local.Keys)
        {
            if (moves.Count >= _options.MaxMovesPerInterval || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var owner = Rendezvous.Choose(key.ToString(), active);
            if (!owner.Equals(silo.SiloAddress))
            {
                moves.Add(MigrateAsync(key, owner));
            }
        }

        await Task.WhenAll(moves);
        if (moves.Count > 0)
        {
            Log.Rebalanced(logger, moves.Count, local.Count, active.Length);
        }

        return moves.Count;
    }

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            _loop = LoopAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop;
        if (_options.Enabled)
        {
            await DrainAsync(cancellationToken);
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Interval, time, cancellationToken);
                await BalanceOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.BalanceFailed(logger, e);
            }
        }
    }

    /// <summary>Hands every local grain to the silo that would get it without this one, and waits (bounded) until they left.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        drain.Begin();
        var staying = ActiveSilos().Where(s => !s.Equals(silo.SiloAddress)).ToArray();
        var leaving = local.Keys;
        if (staying.Length == 0 || leaving.Count == 0)
        {
            return;
        }

        var started = time.GetTimestamp();
        try
        {
            await Task.WhenAll(leaving.Select(key => MigrateAsync(key, Rendezvous.Choose(key.ToString(), staying))))
                .WaitAsync(_options.DrainTimeout, time, cancellationToken);
            while (local.Count > 0 && time.GetElapsedTime(started) < _options.DrainTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            }
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Whatever is left is deactivated by Orleans; its window copy lives on another silo.
        }

        Log.Drained(logger, leaving.Count - local.Count, leaving.Count, time.GetElapsedTime(started));
    }

    private async Task MigrateAsync(InferenceSetKey key, SiloAddress target)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        try
        {
            await grains.GetGrain<IInferenceSetGrain>(key.ToString()).Cast<IGrainManagementExtension>().MigrateOnIdle();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.MigrationFailed(logger, e, key, target);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private SiloAddress[] ActiveSilos() =>
        [.. membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)];

    private static partial class Log
    {
        [LoggerMessage(1110, LogLevel.Information, "Moved {Moved} InferenceSet grains to the silos they belong on; {Left} stay here, {Silos} silos active")]
        public static partial void Rebalanced(ILogger logger, int moved, int left, int silos);

        [LoggerMessage(1111, LogLevel.Information, "Handed {Moved} of {Total} InferenceSet grains to other silos before shutting down, in {Elapsed}")]
        public static partial void Drained(ILogger logger, int moved, int total, TimeSpan elapsed);

        [LoggerMessage(1112, LogLevel.Warning, "Moving InferenceSet {InferenceSet} to silo {Silo} failed")]
        public static partial void MigrationFailed(ILogger logger, Exception exception, InferenceSetKey inferenceSet, SiloAddress silo);

        [LoggerMessage(1113, LogLevel.Warning, "Balancing InferenceSet grains failed; trying again next interval")]
        public static partial void BalanceFailed(ILogger logger, Exception exception);
    }
}
