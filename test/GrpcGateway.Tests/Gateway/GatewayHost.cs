using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Gateway;

/// <summary>
/// A real host: an Orleans silo (localhost clustering) running the fake InferenceSet grains, and the KEDA
/// gateway on Kestrel at 127.0.0.1, port 0, HTTP/2 cleartext, called through a real gRPC channel.
/// </summary>
public sealed class GatewayHost : IAsyncLifetime
{
    /// <summary>Short, so renewals happen within a test.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMilliseconds(250);

    private WebApplication? _app;
    private GrpcChannel? _channel;

    public RecordingLoggerProvider Logs { get; } = new();

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("not started");

    public ExternalScaler.ExternalScalerClient Client => new(Channel);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("OrleansKaitoScaler", LogLevel.Debug);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next()));
        builder.Services.AddKedaGateway();
        builder.Services.Configure<ActivityStreamOptions>(o => o.RenewEvery = RenewEvery);

        _app = builder.Build();
        _app.MapKedaGateway();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _channel = GrpcChannel.ForAddress(address);
    }

    /// <summary>Stops the host as a pod shutdown would (streams must end promptly).</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _app.StopAsync(stop.Token);
        }
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await StopAsync();
            await _app.DisposeAsync();
        }
    }

    public static ScaledObjectRef Ref(IDictionary<string, string>? metadata)
    {
        var reference = new ScaledObjectRef { Name = "phi-4", Namespace = "default" };
        if (metadata is not null)
        {
            reference.ScalerMetadata.Add(metadata);
        }

        return reference;
    }
}
