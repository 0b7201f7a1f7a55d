using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Faults.Tests.Cluster;

/// <summary>Grains of InferenceSets that do not exist do not stay active (found by the soak: KEDA asking right after a deletion).</summary>
[Collection(OneClusterAtATime.Name)]
public sealed class GrainLifetimeTests
{
    [Fact]
    public async Task A_KEDA_call_about_a_deleted_InferenceSet_leaves_no_grain_and_no_window_copy_active()
    {
        await using var scaler = await ChurnCluster.StartAsync(silos: 2, [(0, 1), (1, 1)], TimeSpan.FromSeconds(1));
        var sum = ChurnCluster.SumQuery();
        await Eventually.Get(() => scaler.Grain(0).GetMetric(sum), a => a.Outcome == ScalerOutcome.Ok, TimeSpan.FromSeconds(30), "InferenceSet 0 answering");
        await Eventually.Get(() => scaler.Grain(1).GetMetric(sum), a => a.Outcome == ScalerOutcome.Ok, TimeSpan.FromSeconds(30), "InferenceSet 1 answering");

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
}
