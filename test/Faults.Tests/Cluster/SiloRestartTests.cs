using Xunit.Abstractions;

namespace OrleansKaitoScaler.Faults.Tests.Cluster;

/// <summary>
/// A silo killed mid-load and a new one started, InferenceSets not changing: the killed silo's InferenceSets answer
/// again with their windows (restored from their copies), and no answer is a number from missing data. The kill alone
/// is <c>Cluster.Tests/FailoverTests</c>, with 1,000 InferenceSets; a graceful leave is <c>BalanceTests</c>.
/// </summary>
[Collection(OneClusterAtATime.Name)]
public sealed class SiloRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_killed_and_restarted_under_KEDA_calls_leaves_every_InferenceSet_answering_true_values()
    {
        var report = await new SoakRun(
            new SoakSettings(
                InferenceSets: 200,
                Interval: TimeSpan.FromSeconds(2),
                WindowSeconds: 12,
                Churn: TimeSpan.FromSeconds(8),
                ChurnEvery: TimeSpan.FromSeconds(1),
                ChurnFraction: 0,
                RestartEvery: TimeSpan.FromSeconds(10),
                MemoryGrowthBoundMegabytes: 64),
            output).RunAsync("silo", "killed and restarted mid-load (200 InferenceSets)");

        Assert.Equal(1, report.Restarts);
        Assert.NotNull(report.MaxRecovery);
        Assert.True(report.MaxRecovery <= TimeSpan.FromSeconds(30), $"answering again after {report.MaxRecovery}");
        Soak.AssertHealthy(report, memoryGrowthBoundMegabytes: 64);
    }
}
