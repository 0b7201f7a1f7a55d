using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Checkpoints;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Faults.Tests.Cluster;

/// <summary>Grains of InferenceSets that do not exist do not stay active (found by the soak: KEDA asking right after a deletion).</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class GrainLifetimeTests
{
    [Fact]
    public async Task A_KEDA_call_about_a_deleted_InferenceSet_leaves_no_grain_and_no_window_copy_active()
    {
        await using var scaler = await StartAnsweringAsync(2);
        var sum = ChurnCluster.SumQuery();

        scaler.Remove(1);
        await Eventually.True(() => scaler.ActiveInferenceSetGrains() == 1, TimeSpan.FromSeconds(30), "the deleted InferenceSet's grain gone");
        var late = await scaler.Grain(1).GetMetric(sum);
        var activity = await scaler.Grain(2).GetActivity();

        Assert.Equal(ScalerOutcome.NotFound, late.Outcome);
        Assert.Equal(ScalerOutcome.NotFound, activity.Outcome);
        await Eventually.Get(
            async () => (Local: scaler.ActiveInferenceSetGrains(), Activations: await scaler.ActivationsAsync()),
            g => g.Local == 1 && g.Activations["InferenceSetGrain"] == 1 && g.Activations["WindowCheckpointGrain"] <= 1,
            TimeSpan.FromSeconds(20),
            "only the live InferenceSet's grain and copy active");
    }

    [Fact]
    public async Task An_InferenceSet_deleted_while_its_grain_moves_is_not_revived_from_its_window()
    {
        const int count = 8;
        await using var scaler = await StartAnsweringAsync(count);
        var sum = ChurnCluster.SumQuery();

        // A grain on the silo about to die, whose copy (kept apart from its owner) is on the survivor.
        var doomed = (InProcessSiloHandle)scaler.Cluster.SecondarySilos[0];
        var local = await Eventually.Get(
            () => Task.FromResult(doomed.SiloHost.Services.GetRequiredService<LocalInferenceSets>().Keys),
            k => k.Count > 0,
            TimeSpan.FromSeconds(30),
            "an InferenceSet grain on the second silo");
        var victim = Enumerable.Range(0, count).First(i => local.Contains(ChurnCluster.Key(i)));
        await EveryWindowCopiedAsync(scaler, count);

        // Deleted while its grain moves: the silo it leaves has not heard yet, and the silo it moves to heard before the
        // new activation watched. It restores the window (from the migration or the copy) of an InferenceSet now gone.
        scaler.Remove(victim, lagging: doomed);
        await scaler.Cluster.KillSiloAsync(doomed);
        var late = await scaler.Grain(victim).GetActivity();

        Assert.Equal(ScalerOutcome.NotFound, late.Outcome);
        foreach (var i in Enumerable.Range(0, count).Where(i => i != victim))
        {
            await Eventually.Get(() => scaler.Grain(i).GetMetric(sum), a => a.Outcome == ScalerOutcome.Ok, TimeSpan.FromSeconds(30), $"InferenceSet {i} answering after the kill");
        }

        await Eventually.Get(
            async () => (Local: scaler.ActiveInferenceSetGrains(), Activations: await scaler.ActivationsAsync()),
            g => g.Local == count - 1 && g.Activations["InferenceSetGrain"] == count - 1 && g.Activations["WindowCheckpointGrain"] <= count - 1,
            TimeSpan.FromSeconds(30),
            "only the live InferenceSets' grains and copies active");
    }

    [Fact]
    public async Task A_drain_moving_the_grain_of_a_deleted_InferenceSet_does_not_keep_it_active()
    {
        await using var scaler = await StartAnsweringAsync(2);
        var sum = ChurnCluster.SumQuery();

        // A silo's drain asks every grain it listed to move; one deleted meanwhile is activated by that call alone
        // (found by the soak: a silo stopped just after a deletion). Nobody will ask it anything again.
        scaler.Remove(1);
        await scaler.Grain(1).Cast<IGrainManagementExtension>().MigrateOnIdle();

        await Eventually.Get(
            async () => (Local: scaler.ActiveInferenceSetGrains(), Activations: await scaler.ActivationsAsync()),
            g => g.Local == 1 && g.Activations["InferenceSetGrain"] == 1,
            TimeSpan.FromSeconds(20),
            "only the live InferenceSet's grain active");
    }

    [Fact]
    public async Task Windows_restored_on_a_silo_before_its_first_list_are_scraped_once_the_list_comes()
    {
        // Rendezvous placement decides which grains land on the new silo, by keys and silo addresses (ports differ from run
        // to run): with 8 InferenceSets it took none of them within 30 s in one CI run; with 24 the new silo must lose the
        // draw for every one of three times as many keys.
        const int count = 24;
        await using var scaler = await StartAnsweringAsync(count);
        var sum = ChurnCluster.SumQuery();

        await EveryWindowCopiedAsync(scaler, count);

        // A silo whose watch has not listed yet takes over from one that leaves: the grains that land on it restore
        // their windows and triggers, and cannot scrape before the list tells them their replicas.
        scaler.HoldNewSilos = true;
        var starting = (InProcessSiloHandle)await scaler.Cluster.StartAdditionalSiloAsync();
        await scaler.Cluster.KillSiloAsync(scaler.Cluster.SecondarySilos[0]);
        var landed = starting.SiloHost.Services.GetRequiredService<LocalInferenceSets>();
        await Eventually.Get(
            async () =>
            {
                foreach (var i in Enumerable.Range(0, count))
                {
                    await HandOverRetry.CallAsync(() => scaler.Grain(i).GetActivity());
                }

                return landed.Keys;
            },
            k => k.Count > 0,
            TimeSpan.FromSeconds(30),
            "InferenceSet grains on the silo that has not listed");
        var waiting = Enumerable.Range(0, count).Where(i => landed.Keys.Contains(ChurnCluster.Key(i))).ToArray();
        Assert.Equal(ScalerOutcome.Unavailable, (await scaler.Grain(waiting[0]).GetMetric(sum)).Outcome);

        scaler.ReleaseHeldSilos();
        foreach (var i in waiting)
        {
            scaler.Replica(i, 0).Waiting = 40;
        }

        // Only a scrape can bring the new value: the restored window holds the old one.
        foreach (var i in waiting)
        {
            await Eventually.Get(() => scaler.Grain(i).GetMetric(sum), a => a is { Outcome: ScalerOutcome.Ok, Value: 40 }, TimeSpan.FromSeconds(20), $"InferenceSet {i} scraped after the list");
        }
    }

    [Fact]
    public async Task With_one_silo_no_window_copy_is_kept_and_a_silo_joining_gets_every_window_round_by_round()
    {
        await using var scaler = await ChurnCluster.StartAsync(silos: 1, Enumerable.Range(0, 3).Select(i => (i, 1)), TimeSpan.FromSeconds(1));
        var sum = ChurnCluster.SumQuery();
        var grains = scaler.PrimaryServices.GetRequiredService<IGrainFactory>();
        for (var i = 0; i < 3; i++)
        {
            var index = i;
            await Eventually.Get(() => scaler.Grain(index).GetMetric(sum), a => a.Outcome == ScalerOutcome.Ok, TimeSpan.FromSeconds(30), $"InferenceSet {index} answering");
        }

        // Alone, a copy could only sit beside its grain and die with it.
        await Task.Delay(scaler.Interval * 3);
        Assert.Equal(0, (await scaler.ActivationsAsync())["WindowCheckpointGrain"]);

        await scaler.Cluster.StartAdditionalSiloAsync();
        await EveryWindowCopiedAsync(scaler, 3);
        Task<WindowCheckpoint?[]> LoadAll() => Task.WhenAll(Enumerable.Range(0, 3).Select(i => grains.GetGrain<IWindowCheckpointGrain>(ChurnCluster.Key(i).ToString()).Load()));
        var first = await LoadAll();
        await Task.Delay(scaler.Interval * 3);
        var later = await LoadAll();

        // The copies keep up with their windows, round after round.
        Assert.All(first.Zip(later), pair =>
        {
            Assert.NotNull(pair.First);
            Assert.NotNull(pair.Second);
            Assert.True(pair.Second.RoundCount >= 1, "the copy holds the window (a sum keeps its newest round)");
            Assert.True(Newest(pair.Second) > Newest(pair.First), "the copy follows the rounds");
        });
        Assert.Equal(3, (await scaler.ActivationsAsync())["WindowCheckpointGrain"]);

        static DateTimeOffset Newest(WindowCheckpoint checkpoint) => checkpoint.Rounds.Values.SelectMany(r => r).Max(r => r.At);
    }

    /// <summary>Two silos, InferenceSets 0 … count−1 with one replica each, every one answering its sum.</summary>
    private static async Task<ChurnCluster> StartAnsweringAsync(int count)
    {
        var scaler = await ChurnCluster.StartAsync(silos: 2, Enumerable.Range(0, count).Select(i => (i, 1)), TimeSpan.FromSeconds(1));
        var sum = ChurnCluster.SumQuery();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var index = i;
                await Eventually.Get(() => scaler.Grain(index).GetMetric(sum), a => a.Outcome == ScalerOutcome.Ok, TimeSpan.FromSeconds(30), $"InferenceSet {index} answering");
            }
        }
        catch
        {
            await scaler.DisposeAsync();
            throw;
        }

        return scaler;
    }

    private static Task EveryWindowCopiedAsync(ChurnCluster scaler, int count) =>
        Eventually.Get(scaler.ActivationsAsync, a => a["WindowCheckpointGrain"] >= count, TimeSpan.FromSeconds(30), "every window copied");
}
