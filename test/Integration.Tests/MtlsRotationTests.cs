using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansKaitoScaler.Silo.Security;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// Renewal while KEDA keeps calling: certificate time is a fake clock (only the certificate renewal and checks read
/// it; Orleans keeps the real one), leaves live 30 minutes and the CA an hour, so the test moves through a leaf
/// renewal and a CA rollover in seconds.
/// </summary>
public sealed class MtlsRotationTests
{
    [Fact]
    public async Task Renewals_of_the_leaves_and_of_the_CA_under_a_steady_stream_of_calls_drop_none()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scaler = await cluster.StartAnotherScalerAsync(
            b => b.Services.AddKeyedSingleton<TimeProvider>(SecurityHostingExtensions.ClockKey, clock),
            null,
            [.. MtlsClient.Arguments, "--Certificates:Lifetime", "00:30:00", "--Certificates:CaLifetime", "01:00:00", "--Certificates:CheckInterval", "00:10:00", "--Certificates:RolloverOverlap", "00:05:00"]);
        var address = MtlsClient.Address(scaler);
        await MtlsClient.ReadyAsync(scaler);
        var firstCa = MtlsClient.Bundle(cluster.Api)[0];
        var firstServer = await ServerCertificateAsync(address, cluster, clock);
        var firstClient = MtlsClient.IssuedClient(cluster.Api);

        // KEDA's steady stream: one long-lived connection with the first client certificate, and calls on fresh
        // connections with the client certificate stored at the time (as KEDA after re-reading its Secrets). The
        // clock jumps only between two calls: a call that read a certificate and then handshook 20 minutes later
        // would be refused for an expiry no real KEDA sees.
        using var stop = new CancellationTokenSource();
        using var longLived = MtlsClient.Channel(address, cluster.Api, firstClient, clock.GetUtcNow);
        var calls = new CallCount();
        using var betweenCalls = new SemaphoreSlim(1, 1);
        var stream = Task.Run(() => StreamAsync(address, cluster, clock, longLived, calls, betweenCalls, stop.Token));

        await Eventually.True(() => stream.IsCompleted || calls.Value >= 10, TimeSpan.FromSeconds(20), "calls flowing");
        await AdvanceBetweenCallsAsync(clock, betweenCalls, TimeSpan.FromMinutes(19));
        var renewedServer = await Eventually.Get(() => ServerCertificateAsync(address, cluster, clock), s => s.SerialNumber != firstServer.SerialNumber, TimeSpan.FromSeconds(20), "a renewed server certificate served");
        await Eventually.True(() => MtlsClient.IssuedClient(cluster.Api).SerialNumber != firstClient.SerialNumber, TimeSpan.FromSeconds(20), "a renewed client certificate stored");

        // The CA's renewal time (the first leaves have expired): its successor is published and trusted, but signs
        // nothing yet. The long-lived connection keeps going on the expired first client certificate.
        await AdvanceBetweenCallsAsync(clock, betweenCalls, TimeSpan.FromMinutes(20));
        await Eventually.True(() => MtlsClient.Bundle(cluster.Api).Count == 2, TimeSpan.FromSeconds(20), "the next CA published");
        using var next = MtlsClient.Load(MtlsClient.Bundle(cluster.Api)[1].ExportCertificatePem(), MtlsClient.Value(cluster.Api, MtlsClient.ServerSecret, "next-ca.key"));
        using var ofNextCa = CertificateAuthority.IssueClient(next, clock.GetUtcNow(), TimeSpan.FromMinutes(10));
        await Eventually.Get(() => TryIsActiveAsync(address, cluster, ofNextCa, clock), ok => ok, TimeSpan.FromSeconds(20), "a client of the next CA accepted before it signs anything");
        Assert.True(Chains(await ServerCertificateAsync(address, cluster, clock), firstCa, clock));
        var renewedClient = MtlsClient.IssuedClient(cluster.Api);

        // After the overlap the next CA becomes the current one and issues both leaves.
        await AdvanceBetweenCallsAsync(clock, betweenCalls, TimeSpan.FromMinutes(6));
        var rolledOver = await Eventually.Get(() => ServerCertificateAsync(address, cluster, clock), s => Chains(s, next, clock), TimeSpan.FromSeconds(20), "a server certificate of the new CA served");
        var callsBefore = calls.Value;
        await Eventually.True(() => stream.IsCompleted || calls.Value >= callsBefore + 10, TimeSpan.FromSeconds(20), "calls flowing after the rollover");
        await stop.CancelAsync();
        var failures = await stream;

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(Chains(renewedServer, firstCa, clock));
        Assert.Equal([next.Thumbprint, firstCa.Thumbprint], MtlsClient.Bundle(cluster.Api).Select(c => c.Thumbprint));
        Assert.False(Chains(rolledOver, firstCa, clock));
        // During the rollover the old CA's client certificate (still valid) opens new connections too.
        Assert.True(Chains(renewedClient, firstCa, clock));
        Assert.True(await MtlsClient.IsActiveAsync(address, cluster.Api, renewedClient, clock.GetUtcNow));
    }

    private static async Task AdvanceBetweenCallsAsync(FakeTimeProvider clock, SemaphoreSlim betweenCalls, TimeSpan by)
    {
        await betweenCalls.WaitAsync();
        try
        {
            clock.Advance(by);
        }
        finally
        {
            betweenCalls.Release();
        }
    }

    private static async Task<List<string>> StreamAsync(string address, KaitoCluster cluster, FakeTimeProvider clock, Grpc.Net.Client.GrpcChannel longLived, CallCount calls, SemaphoreSlim betweenCalls, CancellationToken stop)
    {
        var failures = new List<string>();
        var keda = new Abstractions.Keda.ExternalScaler.ExternalScalerClient(longLived);
        while (!stop.IsCancellationRequested)
        {
            await betweenCalls.WaitAsync(CancellationToken.None);
            try
            {
                await keda.IsActiveAsync(ScalerHost.Ref(MtlsClient.Trigger), deadline: DateTime.UtcNow.AddSeconds(10));
                using var current = MtlsClient.IssuedClient(cluster.Api);
                await MtlsClient.IsActiveAsync(address, cluster.Api, current, clock.GetUtcNow);
                calls.Increment();
            }
            catch (Exception e)
            {
                failures.Add($"at {clock.GetUtcNow():O}: {(e is Grpc.Core.RpcException { Status.DebugException: { } inner } ? $"{e.Message} ({inner})" : e.ToString())}");
            }
            finally
            {
                betweenCalls.Release();
            }
        }

        return failures;
    }

    private static async Task<bool> TryIsActiveAsync(string address, KaitoCluster cluster, X509Certificate2 client, FakeTimeProvider clock)
    {
        try
        {
            return await MtlsClient.IsActiveAsync(address, cluster.Api, client, clock.GetUtcNow);
        }
        catch (Grpc.Core.RpcException)
        {
            return false;
        }
    }

    /// <summary>The server certificate a fresh connection is shown.</summary>
    private static async Task<X509Certificate2> ServerCertificateAsync(string address, KaitoCluster cluster, FakeTimeProvider clock)
    {
        X509Certificate2? seen = null;
        using var client = MtlsClient.IssuedClient(cluster.Api);
        await MtlsClient.IsActiveAsync(address, cluster.Api, client, clock.GetUtcNow, s => seen = X509CertificateLoader.LoadCertificate(s.RawData));
        return seen!;
    }

    private static bool Chains(X509Certificate2 leaf, X509Certificate2 ca, FakeTimeProvider clock) =>
        MtlsClient.Chains(leaf, [ca], clock.GetUtcNow());

    private sealed class CallCount
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }
}
