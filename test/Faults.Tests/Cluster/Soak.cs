using Xunit.Abstractions;

namespace OrleansKaitoScaler.Faults.Tests.Cluster;

/// <summary>
/// InferenceSets and replicas churning under KEDA's calls on a 3-silo cluster, silos restarted (see <see cref="SoakRun"/>).
/// The short soak runs by default (under a minute); the long one — 1,000 InferenceSets for 10 minutes, a silo restarted
/// every minute — only with <c>OKS_SOAK=long</c>.
/// </summary>
[Collection(OneClusterAtATime.Name)]
public sealed class Soak(ITestOutputHelper output)
{
    [Fact]
    public async Task Short_soak_150_InferenceSets_churning_with_a_silo_restart_leaks_nothing_and_answers_only_true_values()
    {
        var report = await new SoakRun(
            new SoakSettings(
                InferenceSets: 150,
                Interval: TimeSpan.FromSeconds(2),
                WindowSeconds: 12,
                Churn: TimeSpan.FromSeconds(24),
                ChurnEvery: TimeSpan.FromSeconds(2),
                ChurnFraction: 0.03,
                RestartEvery: TimeSpan.FromSeconds(20),
                MemoryGrowthBoundMegabytes: 64),
            output).RunAsync("soak", "short: 150 InferenceSets, 24 s churn");

        AssertHealthy(report, memoryGrowthBoundMegabytes: 64);
    }

    [LongSoakFact]
    public async Task Long_soak_1000_InferenceSets_for_10_minutes_with_a_silo_restart_every_minute_leaks_nothing_and_answers_only_true_values()
    {
        var report = await new SoakRun(
            new SoakSettings(
                InferenceSets: 1000,
                Interval: TimeSpan.FromSeconds(3),
                WindowSeconds: 20,
                Churn: TimeSpan.FromMinutes(8),
                ChurnEvery: TimeSpan.FromSeconds(3),
                ChurnFraction: 0.01,
                RestartEvery: TimeSpan.FromMinutes(1),
                MemoryGrowthBoundMegabytes: 128),
            output).RunAsync("soak", "long: 1,000 InferenceSets, 8 min churn");

        AssertHealthy(report, memoryGrowthBoundMegabytes: 128);
    }

    internal static void AssertHealthy(SoakReport report, int memoryGrowthBoundMegabytes)
    {
        Assert.True(report.Wrong.Count == 0, "values not true: " + string.Join("; ", report.Wrong.Take(10)));
        Assert.InRange(report.ScrapesPerReplicaInterval, 0.7, 1.3);
        Assert.True(
            report.HeapAfter - report.HeapBefore <= memoryGrowthBoundMegabytes * 1024L * 1024,
            $"heap grew from {report.HeapBefore / 1048576} MB to {report.HeapAfter / 1048576} MB (bound {memoryGrowthBoundMegabytes} MB)");
    }
}

/// <summary>A fact that runs only when <c>OKS_SOAK=long</c>: the long soak takes about 10 minutes.</summary>
public sealed class LongSoakFactAttribute : FactAttribute
{
    public LongSoakFactAttribute()
    {
        if (!string.Equals(Environment.GetEnvironmentVariable("OKS_SOAK"), "long", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "the long soak runs only with OKS_SOAK=long (about 10 minutes)";
        }
    }
}
