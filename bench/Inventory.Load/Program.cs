// Load driver: how many Kubernetes API requests does one scaler make while serving a fleet of InferenceSets?
// It starts the wire-level API double with the KAITO and KEDA CRDs, writes N InferenceSets with W Workspaces each,
// points every Workspace Service at one simulated vLLM replica, starts the real scaler in Kubernetes mode, registers
// one KEDA trigger per InferenceSet over gRPC, then keeps polling like KEDA (GetMetrics + IsActive every 15 s) for the
// measured window and counts the double's requests by verb. Bounded: it stops after warm-up + duration.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.KubernetesApiDouble;
using OrleansKaitoScaler.Silo.Hosting;
using OrleansKaitoScaler.TestSupport;

var options = LoadOptions.Parse(args);
Console.WriteLine($"InferenceSets {options.Sets}, Workspaces per set {options.WorkspacesPerSet}, scrape interval {options.ScrapeInterval}, " +
    $"KEDA polling {options.KedaPolling}, measured {options.Duration}");

await using var api = await KubernetesApiServerDouble.StartAsync(new KubernetesApiServerDoubleOptions { EventHistoryCapacity = 100_000 });
foreach (var file in Directory.GetFiles(Fixtures.Path("crds"), "*.yaml"))
{
    api.RegisterCustomResourceDefinition(await File.ReadAllTextAsync(file));
}

await using var replica = await VllmEndpoint.StartAsync();
replica.Metrics.Waiting = 2;
var dns = new ClusterDns();
for (var i = 0; i < options.Sets; i++)
{
    var ns = $"team-{i % 20}";
    var name = $"model-{i}";
    api.Store.Create(InferenceSet(ns, name, options.WorkspacesPerSet));
    for (var w = 0; w < options.WorkspacesPerSet; w++)
    {
        api.Store.Create(Workspace(ns, $"{name}-{w}", name));
        dns.Map($"{name}-{w}.{ns}.svc.cluster.local", replica.Port);
    }
}

var directory = Directory.CreateTempSubdirectory("oks-load-").FullName;
var kubeconfig = api.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
api.Requests.Clear();
var app = ScalerApp.Build(
    [
        "--kubernetes", "--kubeconfig", kubeconfig, "--listen", "127.0.0.1", "--grpc-port", "0", "--metrics-port", "0",
        "--silo-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        "--gateway-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        "--scrape-interval", options.ScrapeInterval.ToString("c", CultureInfo.InvariantCulture),
        "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:OrleansKaitoScaler", "Warning",
    ],
    b => b.Services.PostConfigure<ScrapeOptions>(o => o.ConnectCallback = dns.ConnectAsync));
await app.StartAsync();
var grpc = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
using var channel = GrpcChannel.ForAddress(grpc);
var keda = new ExternalScaler.ExternalScalerClient(channel);

// Start-up: discovery, paged lists, the two watches. Wait until every InferenceSet answers.
var started = Stopwatch.StartNew();
await PollAllAsync(keda, options, requireOk: true);
var startup = api.Requests.Snapshot();
Console.WriteLine($"start-up: every InferenceSet answered after {started.Elapsed.TotalSeconds:F1} s, {startup.Count} API requests ({Describe(startup)})");

// Measured window: KEDA keeps polling; the scaler keeps scraping.
api.Requests.Clear();
var scrapesBefore = replica.Scrapes;
var kedaCalls = 0;
var window = Stopwatch.StartNew();
while (window.Elapsed < options.Duration)
{
    var round = Stopwatch.StartNew();
    kedaCalls += await PollAllAsync(keda, options, requireOk: false);
    var rest = options.KedaPolling - round.Elapsed;
    if (rest > TimeSpan.Zero && window.Elapsed + rest < options.Duration)
    {
        await Task.Delay(rest);
    }
    else if (rest > TimeSpan.Zero)
    {
        await Task.Delay(options.Duration - window.Elapsed > TimeSpan.Zero ? options.Duration - window.Elapsed : TimeSpan.Zero);
    }
}

var minutes = window.Elapsed.TotalMinutes;
var all = api.Requests.Snapshot();
var leases = all.Count(r => r.Request.Resource == "leases");
var membership = all.Count(r => r.Request.Resource == "configmaps");
var measured = all.Where(r => r.Request.Resource is not ("leases" or "configmaps")).ToArray();
var scrapes = replica.Scrapes - scrapesBefore;
Console.WriteLine($"measured {window.Elapsed.TotalSeconds:F0} s:");
Console.WriteLine($"  Kubernetes API requests: {measured.Length} ({measured.Length / minutes:F1}/min) {Describe(measured)}");
Console.WriteLine($"  plus leader election (Lease get/update, independent of the fleet): {leases} ({leases / minutes:F1}/min)");
Console.WriteLine($"  plus Orleans membership (ConfigMap, independent of the fleet): {membership} ({membership / minutes:F1}/min)");
Console.WriteLine($"  scrapes of Workspace Services: {scrapes} ({scrapes / minutes:F0}/min)");
Console.WriteLine($"  KEDA calls answered (GetMetrics + IsActive): {kedaCalls} ({kedaCalls / minutes:F0}/min)");
var goPerMinute = options.Sets * 2 * (60 / 15.0);
Console.WriteLine($"  for comparison, one uncached GET InferenceSet + LIST Workspaces per target per 15 s poll: {goPerMinute:F0}/min");

await app.StopAsync();
await app.DisposeAsync();
Directory.Delete(directory, recursive: true);
return 0;

static async Task<int> PollAllAsync(ExternalScaler.ExternalScalerClient keda, LoadOptions options, bool requireOk)
{
    var calls = 0;
    var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
    await Parallel.ForAsync(0, options.Sets, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
    {
        var reference = new ScaledObjectRef { Name = $"model-{i}", Namespace = $"team-{i % 20}" };
        reference.ScalerMetadata.Add(new Dictionary<string, string>
        {
            ["inferenceSetName"] = $"model-{i}",
            ["inferenceSetNamespace"] = $"team-{i % 20}",
            ["metricName"] = "vllm:num_requests_waiting",
            ["threshold"] = "10",
        });
        while (true)
        {
            try
            {
                await keda.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = reference }, cancellationToken: token);
                await keda.IsActiveAsync(reference, cancellationToken: token);
                Interlocked.Add(ref calls, 2);
                return;
            }
            catch (Grpc.Core.RpcException) when (requireOk && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, token);
            }
            catch (Grpc.Core.RpcException) when (!requireOk)
            {
                Interlocked.Add(ref calls, 1);
                return;
            }
        }
    });
    return calls;
}

static string Describe(IReadOnlyList<OrleansKaitoScaler.KubernetesApiDouble.Diagnostics.RequestRecord> requests) =>
    "[" + string.Join(", ", requests
        .GroupBy(r => $"{r.Request.Verb} {r.Request.Resource ?? r.Request.Path}")
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}: {g.Count()}")) + "]";

static JsonObject InferenceSet(string ns, string name, int replicas) => new()
{
    ["apiVersion"] = "kaito.sh/v1beta1",
    ["kind"] = "InferenceSet",
    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
    ["spec"] = new JsonObject { ["replicas"] = replicas },
    ["status"] = new JsonObject
    {
        ["readyReplicas"] = replicas,
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "Ready", ["message"] = "", ["lastTransitionTime"] = "2026-11-23T00:00:00Z" }),
    },
};

static JsonObject Workspace(string ns, string name, string owner) => new()
{
    ["apiVersion"] = "kaito.sh/v1beta1",
    ["kind"] = "Workspace",
    ["metadata"] = new JsonObject
    {
        ["name"] = name,
        ["namespace"] = ns,
        ["labels"] = new JsonObject { ["inferenceset.kaito.sh/created-by"] = owner },
    },
};
