using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Faults.Tests.Cluster;

/// <summary>
/// A TestingHost cluster of InferenceSet grains over a <see cref="VllmFleet"/> whose inventory a test changes while it
/// runs: InferenceSets come and go and change their replica count, and every silo (including one started later) gets
/// the same inventory, as each would from its own watch. InferenceSet <c>i</c>'s replicas each wait
/// <see cref="Waiting"/>(i) requests and generate <see cref="TokensPerSecond"/>(i) tokens/s. Replicas of removed
/// InferenceSets keep answering, so a grain that kept scraping them would show in <see cref="VllmFleet.Scrapes"/>.
/// </summary>
public sealed class ChurnCluster : IAsyncDisposable
{
    public const string Tokens = "vllm:generation_tokens_total";
    public const string WaitingFamily = "vllm:num_requests_waiting";
    public const double SumThreshold = 1000;

    private readonly ConcurrentDictionary<int, int> _live = new();
    private readonly Lock _publish = new();

    /// <summary>
    /// Every silo's inventory from the moment it is built, not from when TestingHost lists the silo: a silo still
    /// starting must get the changes published meanwhile, as a real silo's own watch would.
    /// </summary>
    private readonly List<InferenceSetInventory> _inventories = [];

    /// <summary>Inventories of silos started while <see cref="HoldNewSilos"/> was set: not listed yet.</summary>
    private readonly List<InferenceSetInventory> _held = [];

    private ChurnCluster(VllmFleet fleet, TimeSpan interval, TimeProvider? clock) => (Fleet, Interval, Clock) = (fleet, interval, clock);

    internal static ChurnCluster? Current { get; private set; }

    public VllmFleet Fleet { get; }

    public TimeSpan Interval { get; }

    /// <summary>The clock every silo gets as its <see cref="TimeProvider"/> (Orleans' and the grains'); the system's when null.</summary>
    public TimeProvider? Clock { get; }

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>
    /// Silos started from now on do not get their first list (their watch is slow to start) until
    /// <see cref="ReleaseHeldSilos"/>: grains placed on them meanwhile see an inventory that is not synced.
    /// </summary>
    public bool HoldNewSilos { get; set; }

    /// <summary>The grains' own log lines from every silo, for a test to explain what it finds.</summary>
    public RecordingLoggerProvider Logs { get; } = new("OrleansKaitoScaler");

    /// <summary>Live InferenceSets and their replica counts.</summary>
    public IReadOnlyDictionary<int, int> Live => _live;

    public static async Task<ChurnCluster> StartAsync(
        int silos, IEnumerable<(int InferenceSet, int Replicas)> inferenceSets, TimeSpan interval, TimeProvider? clock = null)
    {
        InProcessSilos.GiveThreadsOfSeparatePods();
        var fleet = await VllmFleet.StartAsync();
        var scaler = new ChurnCluster(fleet, interval, clock);
        foreach (var (i, replicas) in inferenceSets)
        {
            scaler.Set(i, replicas, publish: false);
        }

        Current = scaler;
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<Configurator>();
        scaler.Cluster = builder.Build();
        await scaler.Cluster.DeployAsync();
        return scaler;
    }

    public static InferenceSetKey Key(int i) => new("default", $"is-{i:D5}");

    public static double TokensPerSecond(int i) => 10 + ((i % 7) * 10);

    public static double Waiting(int i) => 1 + (i % 5);

    public static MetricQuery RateQuery(int windowSeconds) =>
        new(ScrapeProfile.Default, Tokens, Aggregation.Rate, 1, TimeSpan.FromSeconds(windowSeconds), 0.95);

    public static MetricQuery SumQuery() => new(ScrapeProfile.Default, WaitingFamily, Aggregation.Sum, SumThreshold, TimeSpan.FromSeconds(300), 0.95);

    /// <summary>Adds InferenceSet <paramref name="i"/> or changes its replica count, and tells every silo.</summary>
    public void Set(int i, int replicas, bool publish = true)
    {
        for (var r = 0; r < replicas; r++)
        {
            Fleet.Replica(Host(i, r), () => new VllmMetrics { TokensPerSecond = TokensPerSecond(i), Waiting = Waiting(i) });
        }

        _live[i] = replicas;
        if (publish)
        {
            Publish();
        }
    }

    /// <summary>
    /// Deletes InferenceSet <paramref name="i"/> from every silo's inventory but the <paramref name="lagging"/> silos',
    /// whose watches (as a real one can) have not delivered the deletion yet; they get it with the next change.
    /// </summary>
    public void Remove(int i, params SiloHandle[] lagging)
    {
        _live.TryRemove(i, out _);
        Publish([.. lagging.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<InferenceSetInventory>())]);
    }

    /// <summary>Gives the held silos their first list, and every change from then on.</summary>
    public void ReleaseHeldSilos()
    {
        lock (_publish)
        {
            HoldNewSilos = false;
            var snapshots = Snapshots();
            foreach (var inventory in _held)
            {
                inventory.Replace(snapshots);
                _inventories.Add(inventory);
            }

            _held.Clear();
        }
    }

    /// <summary>Replica <paramref name="replica"/> of InferenceSet <paramref name="i"/>, to change what it serves.</summary>
    public VllmMetrics Replica(int i, int replica) => Fleet.Replica(Host(i, replica));

    /// <summary>The grain as our gateway reaches it: from inside the primary silo, which the tests never stop.</summary>
    public IInferenceSetGrain Grain(int i) => PrimaryServices.GetRequiredService<IGrainFactory>().GetGrain<IInferenceSetGrain>(Key(i).ToString());

    public IServiceProvider PrimaryServices => ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services;

    /// <summary>InferenceSet grains active per running silo (<c>oks.grains.active</c>).</summary>
    public int ActiveInferenceSetGrains() =>
        Cluster.Silos.OfType<InProcessSiloHandle>().Sum(s => s.SiloHost.Services.GetRequiredService<LocalInferenceSets>().Count);

    /// <summary>The InferenceSets with an active grain on a running silo.</summary>
    public IReadOnlyCollection<InferenceSetKey> ActiveKeys() =>
        [.. Cluster.Silos.OfType<InProcessSiloHandle>().SelectMany(s => s.SiloHost.Services.GetRequiredService<LocalInferenceSets>().Keys)];

    /// <summary>Activations per grain class over the cluster, from Orleans' management grain.</summary>
    public async Task<Dictionary<string, int>> ActivationsAsync()
    {
        var statistics = await PrimaryServices.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        // GrainType is a class or a grain type name depending on the Orleans version: match either spelling.
        return new Dictionary<string, int>
        {
            ["InferenceSetGrain"] = statistics.Where(s => s.GrainType.Contains("inferenceset", StringComparison.OrdinalIgnoreCase)).Sum(s => s.ActivationCount),
            ["WindowCheckpointGrain"] = statistics.Where(s => s.GrainType.Contains("windowcheckpoint", StringComparison.OrdinalIgnoreCase)).Sum(s => s.ActivationCount),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Fleet.DisposeAsync();
        Current = null;
    }

    private static string Host(int i, int replica) => $"is-{i:D5}-{replica}.default.svc.cluster.local";

    private List<InferenceSetSnapshot> Snapshots() =>
        [.. _live.Select(s => new InferenceSetSnapshot(
            Key(s.Key), true, s.Value, s.Value,
            [.. Enumerable.Range(0, s.Value).Select(r => new InferenceSetService($"is-{s.Key:D5}-{r}", Host(s.Key, r), 5000))]))];

    private void Publish(IReadOnlyCollection<InferenceSetInventory>? lagging = null)
    {
        lock (_publish)
        {
            var snapshots = Snapshots();
            foreach (var inventory in _inventories.Where(i => lagging?.Contains(i) != true))
            {
                inventory.Replace(snapshots);
            }
        }
    }

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var scaler = Current ?? throw new InvalidOperationException("ChurnCluster.Current is not set");

            // As ScalerCluster: a killed silo is declared dead in a few seconds.
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
            siloBuilder.ConfigureServices(services =>
            {
                services.AddLogging(logging => logging.AddProvider(scaler.Logs));
                if (scaler.Clock is { } clock)
                {
                    services.AddSingleton(clock);
                }

                services.AddInferenceSetGrains();
                services.Configure<ScrapeOptions>(o =>
                {
                    o.Interval = scaler.Interval;
                    o.ConnectCallback = scaler.Fleet.Dns.ConnectAsync;
                });
                services.Configure<BalanceOptions>(o => o.Interval = TimeSpan.FromSeconds(5));
                services.AddSingleton(_ =>
                {
                    var inventory = new InferenceSetInventory();
                    lock (scaler._publish)
                    {
                        if (scaler.HoldNewSilos)
                        {
                            scaler._held.Add(inventory);
                        }
                        else
                        {
                            inventory.Replace(scaler.Snapshots());
                            scaler._inventories.Add(inventory);
                        }
                    }

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
