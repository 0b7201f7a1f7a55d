using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Silo.Hosting;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// The real scaler process, in-process: standalone silo, file inventory and the KEDA gateway on a free
/// loopback port, called over real gRPC (HTTP/2). The scrape interval is short so tests run in seconds.
/// </summary>
public sealed class ScalerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private ScalerHost(WebApplication app, string directory, string inventoryPath, GrpcChannel channel, Uri admin)
    {
        _app = app;
        Admin = admin;
        Http = new HttpClient { BaseAddress = admin };
        _directory = directory;
        InventoryPath = inventoryPath;
        Channel = channel;
        Client = new ExternalScaler.ExternalScalerClient(channel);
    }

    public string InventoryPath { get; }

    /// <summary>The metrics/admin HTTP port: <c>/metrics</c>, <c>/inferencesets</c>, <c>/api/inferencesets</c>, <c>/dashboard</c>.</summary>
    public Uri Admin { get; }

    /// <summary>A client for <see cref="Admin"/>.</summary>
    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    /// <summary>The gRPC health port (<c>--health-port</c>): services <c>liveness</c> and <c>readiness</c>.</summary>
    public GrpcChannel HealthChannel { get; private init; } = null!;

    public ExternalScaler.ExternalScalerClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<ScalerHost> StartAsync(string inventoryYaml, TimeSpan? scrapeInterval = null, params string[] extraArgs) =>
        StartAsync(inventoryYaml, scrapeInterval, configure: null, extraArgs);

    public static async Task<ScalerHost> StartAsync(string inventoryYaml, TimeSpan? scrapeInterval, Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var directory = Directory.CreateTempSubdirectory("oks-").FullName;
        var inventoryPath = Path.Combine(directory, "inventory.yaml");
        await File.WriteAllTextAsync(inventoryPath, inventoryYaml);
        var interval = scrapeInterval ?? TimeSpan.FromMilliseconds(200);
        string[] args =
        [
            "--inventory", inventoryPath,
            "--grpc-port", "0",
            "--metrics-port", "0",
            "--health-port", "0",
            "--silo-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--scrape-interval", interval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            "--Standalone:PollInterval", "00:00:00.1",
            // Short intervals on a busy 2-core machine: allow 10 of them before a sample counts as stale.
            "--Scrape:StaleAfterIntervals", "10",
            .. extraArgs,
        ];
        var app = ScalerApp.Build(args, b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(b);
        });
        await app.StartAsync();
        // Kestrel lists the bound addresses in the order ScalerApp listens: gRPC first, then the metrics port.
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToArray();
        var channel = GrpcChannel.ForAddress(addresses[0]);
        return new ScalerHost(app, directory, inventoryPath, channel, new Uri(addresses[1])) { HealthChannel = GrpcChannel.ForAddress(addresses[2]) };
    }

    /// <summary>Rewrites the inventory file (the host reloads it within its poll interval).</summary>
    public Task WriteInventoryAsync(string yaml) => File.WriteAllTextAsync(InventoryPath, yaml);

    public async Task<double> GetMetricAsync(IDictionary<string, string> metadata, string metricName = "")
    {
        var request = new GetMetricsRequest { MetricName = metricName, ScaledObjectRef = Ref(metadata) };
        var reply = await Client.GetMetricsAsync(request);
        return Assert.Single(reply.MetricValues).MetricValueFloat;
    }

    /// <summary>GetMetrics' outcome as a status code and value, for polling until a condition holds.</summary>
    public async Task<(StatusCode Status, double Value, string Detail)> TryGetMetricAsync(IDictionary<string, string> metadata)
    {
        try
        {
            return (StatusCode.OK, await GetMetricAsync(metadata), "");
        }
        catch (RpcException e)
        {
            return (e.StatusCode, double.NaN, e.Status.Detail);
        }
    }

    public static ScaledObjectRef Ref(IDictionary<string, string> metadata)
    {
        var reference = new ScaledObjectRef { Name = "phi-4", Namespace = "default" };
        reference.ScalerMetadata.Add(metadata);
        return reference;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        HealthChannel.Dispose();
        Http.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
