using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Faults.Tests.Cluster;
using OrleansKaitoScaler.Grains.Checkpoints;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Faults.Tests.Clock;

/// <summary>
/// A window restarted by a wall-clock step, and its copy on the other silo: the copy must restart with it. Appending the
/// first round after a forward step to the copy would keep the rounds before the step there, in order, so a grain
/// restored from the copy (its silo lost) would read across the step that its window refused to read across.
/// Two real silos (TestingHost), one real replica, the system's clocks with a wall clock the test sets.
/// Related: <see cref="ClockJumpTests"/> (the window and its answers, without grains).
/// </summary>
[Collection(OneClusterAtATime.Name)]
public sealed class ClockStepCopyTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_window_restarted_by_a_clock_step_replaces_its_copy_with_the_rounds_after_the_step()
    {
        var clock = new SettableWallClock();
        await using var scaler = await ChurnCluster.StartAsync(silos: 2, [(0, 1)], TimeSpan.FromSeconds(1), clock);
        var rate = ChurnCluster.RateQuery(windowSeconds: 30);
        var copy = scaler.Cluster.Client.GetGrain<IWindowCheckpointGrain>(ChurnCluster.Key(0).ToString());
        await scaler.Grain(0).GetMetric(rate);
        var before = await Eventually.Get(copy.Load, c => c?.RoundCount >= 5, TimeSpan.FromSeconds(30), "the copy holding five rounds");

        var steppedAt = clock.GetUtcNow();
        clock.Step(s_step);
        var after = await Eventually.Get(
            copy.Load,
            c => c is not null && Rounds(c).Max(r => r.At) >= steppedAt + s_step,
            TimeSpan.FromSeconds(30),
            "a round after the step in the copy");

        Assert.Contains(scaler.Logs.Lines, l => l.Id.Name == "WindowRestartedByClockStep");
        Assert.All(Rounds(before!), r => Assert.True(r.At < steppedAt, "the rounds before were stamped before the step"));
        Assert.All(Rounds(after!), r => Assert.True(r.At >= steppedAt + s_step, $"the copy still holds a round of {r.At:O}, from before the step at {steppedAt:O}"));
    }

    private static IEnumerable<CheckpointedRound> Rounds(WindowCheckpoint checkpoint) => checkpoint.Rounds.Values.SelectMany(r => r);

    /// <summary>The system's monotonic clock and timers, with a wall clock that can be set (an NTP step) while they run on.</summary>
    private sealed class SettableWallClock : TimeProvider
    {
        private long _offsetTicks;

        public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }
}
