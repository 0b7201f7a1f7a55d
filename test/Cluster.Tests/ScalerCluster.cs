using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Cluster.Tests;

/// <summary>
/// A real multi-silo Orleans cluster (TestingHost, silos in this process) running the InferenceSet grains against
/// a <see cref="VllmFleet"/>: every InferenceSet has one replica, <c>is-NNNN-0.default.svc.cluster.local</c>, whose
/// token counter grows at a known rate. Silo configurators are created by type, so the fleet reaches them through
/// <see cref="Current"/>; the tests run one cluster at a time (<see cref="OneClusterAtATime"/>).
/// </summary>
public sealed class ScalerCluster : IAsyncDisposable
{
    public const string Tokens = "vllm:generation_tokens_total";

    internal static ScalerCluster? Current { get; private set; }

    private ScalerCluster(VllmFleet fleet, IReadOnlyList<InferenceSetSnapshot> inferenceSets, TimeSpan interval, TimeSpan balanceInterval) =>
        (Fleet, InferenceSets, Interval, BalanceInterval) = (fleet, inferenceSets, interval, balanceInterval);

    public VllmFleet Fleet { get; }

    public IReadOnlyList<InferenceSetSnapshot> InferenceSets { get; }

    public TimeSpan Interval { get; }

    public TimeSpan BalanceInterval { get; }

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>Starts <paramref name="silos"/> silos serving <paramref name="count"/> InferenceSets.</summary>
    public static async Task<ScalerCluster> StartAsync(int silos, int count, TimeSpan interval, TimeSpan balanceInterval)
    {
        // Without this, a failover test's rates once read 5% low on a CI run (56 of 8,983 calls, all at one instant),
        // as the fault suite's did before it gave its process these threads.
        InProcessSilos.GiveThreadsOfSeparatePods();
        var fleet = await VllmFleet.StartAsync();
        var inferenceSets = new List<InferenceSetSnapshot>(count);
        for (var i = 0; i < count; i++)
        {
            var host = $"is-{i:D4}-0.default.svc.cluster.local";
            fleet.Replica(host).TokensPerSecond = TokensPerSecond(i);
            inferenceSets.Add(new InferenceSetSnapshot(Key(i), true, 1, 1, [new InferenceSetService($"is-{i:D4}-0", host, 5000)]));
        }

        var scaler = new ScalerCluster(fleet, inferenceSets, interval, balanceInterval);
        Current = scaler;
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<Configurator>();
        scaler.Cluster = builder.Build();
        await scaler.Cluster.DeployAsync();
        return scaler;
    }

    public static InferenceSetKey Key(int i) => new("default", $"is-{i:D4}");

    /// <summary>The true token rate of InferenceSet <paramref name="i"/>.</summary>
    public static double TokensPerSecond(int i) => 10 + ((i % 7) * 10);

    /// <summary>A KEDA trigger asking for the token rate over <paramref name="windowSeconds"/>.</summary>
    public static MetricQuery RateQuery(int windowSeconds) =>
        new(ScrapeProfile.Default, Tokens, Aggregation.Rate, 1, TimeSpan.FromSeconds(windowSeconds), 0.95);

    /// <summary>
    /// The grain as the KEDA gateway reaches it: from inside the primary silo (the one the tests never stop), as our gRPC
    /// gateway runs in every silo. Calls to a dead silo then fail as soon as the cluster declares it dead.
    /// </summary>
    public IInferenceSetGrain Grain(int i) =>
        ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>().GetGrain<IInferenceSetGrain>(Key(i).ToString());

    /// <summary>The InferenceSet grains each running silo holds.</summary>
    public Dictionary<SiloAddress, IReadOnlyCollection<InferenceSetKey>> GrainsBySilo() =>
        Cluster.Silos.OfType<InProcessSiloHandle>().ToDictionary(s => s.SiloAddress, s => s.SiloHost.Services.GetRequiredService<LocalInferenceSets>().Keys);

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Fleet.DisposeAsync();
        Current = null;
    }

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var scaler = Current ?? throw new InvalidOperationException("ScalerCluster.Current is not set");

            // Detect a killed silo in a few seconds, as a scaler cluster must: windows outlive only a gap under the staleness bound.
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
            siloBuilder.ConfigureServices(services =>
            {
                services.AddInferenceSetGrains();
                services.Configure<ScrapeOptions>(o =>
                {
                    o.Interval = scaler.Interval;
                    o.ConnectCallback = scaler.Fleet.Dns.ConnectAsync;
                });
                services.Configure<BalanceOptions>(o => o.Interval = scaler.BalanceInterval);
                services.AddSingleton(_ =>
                {
                    var inventory = new InferenceSetInventory();
                    inventory.Replace(scaler.InferenceSets);
                    return inventory;
                });
            });
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OneClusterAtATime
{
    public const string Name = "Orleans clusters";
}
