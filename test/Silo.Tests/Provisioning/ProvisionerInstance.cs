using System.Diagnostics.Metrics;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>
/// One scaler replica's provisioning half, wired as the host wires it — the inventory feeder's watch feeding the
/// provisioner, both talking to the API double through a real KubernetesClient — with its own tapped client.
/// </summary>
internal sealed class ProvisionerInstance : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly ServiceProvider _metrics;
    private readonly KubernetesInventoryFeeder _feeder;
    private ILoggerFactory? _loggers;
    private bool _disposed;

    private ProvisionerInstance(string identity, InstanceLog log, ApiClientTap tap, IKubernetes client, ServiceProvider metrics, KubernetesInventoryFeeder feeder, LeaseLeadership leadership, ScaledObjectProvisioner provisioner)
    {
        Identity = identity;
        Log = log;
        Tap = tap;
        _client = client;
        _metrics = metrics;
        _feeder = feeder;
        Leadership = leadership;
        Provisioner = provisioner;
    }

    public string Identity { get; }

    public ApiClientTap Tap { get; }

    /// <summary>What this replica logged, with timestamps; for failure messages.</summary>
    public InstanceLog Log { get; }

    public LeaseLeadership Leadership { get; }

    public ScaledObjectProvisioner Provisioner { get; }

    public bool IsLeader => Leadership.IsLeader;

    public static async Task<ProvisionerInstance> StartAsync(string kubeconfig, string identity, ProvisioningOptions provisioning, LeaderElectionOptions election)
    {
        election.Identity = identity;
        var tap = new ApiClientTap();
        var log = new InstanceLog(identity);
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(log));
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), tap);
        var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = TimeProvider.System;
        var kubernetes = Options.Create(new KubernetesOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) });
        var provisioningOptions = Options.Create(provisioning);
        var feeder = new KubernetesInventoryFeeder(client, new InferenceSetInventory(), kubernetes, time, loggers.CreateLogger<KubernetesInventoryFeeder>());
        var leadership = new LeaseLeadership(client, Options.Create(election), provisioningOptions, time, loggers.CreateLogger<LeaseLeadership>());
        var reconciler = new ScaledObjectReconciler(
            client,
            new ScaledObjectRenderer(provisioningOptions),
            new InferenceSetEventRecorder(client, time, loggers.CreateLogger<InferenceSetEventRecorder>()),
            provisioningOptions,
            loggers.CreateLogger<ScaledObjectReconciler>());
        var provisioner = new ScaledObjectProvisioner(
            feeder, reconciler, leadership, new ProvisioningTelemetry(metrics.GetRequiredService<IMeterFactory>(), leadership), provisioningOptions, time, loggers.CreateLogger<ScaledObjectProvisioner>());
        await feeder.StartAsync(CancellationToken.None);
        await provisioner.StartAsync(CancellationToken.None);
        return new ProvisionerInstance(identity, log, tap, client, metrics, feeder, leadership, provisioner) { _loggers = loggers };
    }

    /// <summary>The process dies: its client can no longer reach the server, so it neither renews nor releases the Lease.</summary>
    public async ValueTask KillAsync()
    {
        Tap.Sever();
        await DisposeAsync();
    }

    /// <summary>A clean shutdown (the Lease is released unless <c>ReleaseOnShutdown</c> is off).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Provisioner.StopAsync(timeout.Token);
        await _feeder.StopAsync(timeout.Token);
        Provisioner.Dispose();
        _feeder.Dispose();
        _client.Dispose();
        await _metrics.DisposeAsync();
        _loggers?.Dispose();
    }
}
