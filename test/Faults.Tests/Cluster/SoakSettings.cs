namespace OrleansKaitoScaler.Faults.Tests.Cluster;

/// <summary>How big and how long a <see cref="SoakRun"/> is, and how hard it churns.</summary>
/// <param name="InferenceSets">Live InferenceSets at any time (churn removes as many as it adds).</param>
/// <param name="Interval">Scrape interval.</param>
/// <param name="WindowSeconds">The rate triggers' window.</param>
/// <param name="Churn">How long InferenceSets and replicas change and silos restart.</param>
/// <param name="ChurnEvery">How often some InferenceSets are replaced and some change their replica count.</param>
/// <param name="ChurnFraction">The share of InferenceSets replaced (and, again, of those whose replicas change) each time.</param>
/// <param name="RestartEvery">How often a silo is killed and a new one started; null: never.</param>
/// <param name="MemoryGrowthBoundMegabytes">How much the process's managed heap may grow from warm-up to the end.</param>
public sealed record SoakSettings(
    int InferenceSets,
    TimeSpan Interval,
    int WindowSeconds,
    TimeSpan Churn,
    TimeSpan ChurnEvery,
    double ChurnFraction,
    TimeSpan? RestartEvery,
    int MemoryGrowthBoundMegabytes);
