using System.Text.Json.Nodes;
using Grpc.Core;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Silo.Security;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>One scaler in Kubernetes mode with mTLS on (the default there), called over real TLS on 127.0.0.1.</summary>
public sealed class MtlsTests(MtlsTests.Scaler scaler) : IClassFixture<MtlsTests.Scaler>
{
    [Fact]
    public async Task A_client_with_the_issued_certificate_calls_the_scaler_over_mutual_TLS()
    {
        using var client = MtlsClient.IssuedClient(scaler.Api);
        using var channel = MtlsClient.Channel(scaler.Address, scaler.Api, client, () => DateTimeOffset.UtcNow);
        var keda = new ExternalScaler.ExternalScalerClient(channel);

        var active = await keda.IsActiveAsync(ScalerHost.Ref(MtlsClient.Trigger));
        var spec = await keda.GetMetricSpecAsync(ScalerHost.Ref(MtlsClient.Trigger));

        Assert.True(active.Result);
        Assert.Equal(10, Assert.Single(spec.MetricSpecs).TargetSizeFloat);
    }

    [Fact]
    public async Task A_call_without_a_client_certificate_is_refused()
    {
        Assert.NotEqual(StatusCode.OK, await MtlsClient.RefusedAsync(scaler.Address, scaler.Api, client: null));
    }

    [Fact]
    public async Task A_self_signed_client_certificate_is_refused()
    {
        using var selfSigned = SelfSignedCertificate.ForClient("keda-kaito-scaler-client");

        Assert.NotEqual(StatusCode.OK, await MtlsClient.RefusedAsync(scaler.Address, scaler.Api, selfSigned));
    }

    [Fact]
    public async Task A_client_certificate_from_another_CA_with_the_same_name_is_refused()
    {
        using var otherCa = CertificateAuthority.CreateCa(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        using var theirs = CertificateAuthority.IssueClient(otherCa, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

        Assert.NotEqual(StatusCode.OK, await MtlsClient.RefusedAsync(scaler.Address, scaler.Api, theirs));
    }

    [Fact]
    public async Task An_expired_client_certificate_signed_by_our_CA_is_refused()
    {
        using var ca = MtlsClient.CaWithKey(scaler.Api);
        using var expired = CertificateAuthority.IssueClient(ca, DateTimeOffset.UtcNow - TimeSpan.FromHours(2), TimeSpan.FromHours(1));
        using var current = CertificateAuthority.IssueClient(ca, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

        Assert.NotEqual(StatusCode.OK, await MtlsClient.RefusedAsync(scaler.Address, scaler.Api, expired));
        // The same CA's certificate within its validity is accepted: the expiry is what was refused.
        Assert.True(await MtlsClient.IsActiveAsync(scaler.Address, scaler.Api, current));
    }

    [Fact]
    public async Task The_Secrets_and_the_ClusterTriggerAuthentication_are_laid_out_as_the_Go_scaler_lays_them_out()
    {
        var server = scaler.Api.Store.Get("v1", "Secret", MtlsClient.Namespace, MtlsClient.ServerSecret)!;
        var client = scaler.Api.Store.Get("v1", "Secret", MtlsClient.Namespace, MtlsClient.ClientSecret)!;
        // Readiness waits for the server certificate; the ClusterTriggerAuthentication is written just after the
        // Secrets, so a busy machine can answer ready a moment before it exists.
        var authentication = await Eventually.Get(
            () => Task.FromResult(scaler.Api.Store.Get("keda.sh/v1alpha1", "ClusterTriggerAuthentication", null, "keda-kaito-scaler-creds")),
            a => a is not null,
            what: "ClusterTriggerAuthentication keda-kaito-scaler-creds");

        Assert.Equal(["ca.crt", "ca.key", "server.crt", "server.key"], ((JsonObject)server["data"]!).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["ca.crt", "tls.crt", "tls.key"], ((JsonObject)client["data"]!).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(authentication);
        Assert.Equal(
            ["caCert=keda-kaito-scaler-server-certs/ca.crt", "tlsClientCert=keda-kaito-scaler-client-certs/tls.crt", "tlsClientKey=keda-kaito-scaler-client-certs/tls.key"],
            authentication["spec"]!["secretTargetRef"]!.AsArray().Select(r => $"{r!["parameter"]}={r["name"]}/{r["key"]}"));
    }

    /// <summary>The cluster with an InferenceSet <c>phi-4</c> and one scaler with mTLS, ready.</summary>
    public sealed class Scaler : IAsyncLifetime
    {
        private KaitoCluster _cluster = null!;

        internal KubernetesApiDouble.KubernetesApiServerDouble Api => _cluster.Api;

        internal string Address { get; private set; } = "";

        public async Task InitializeAsync()
        {
            _cluster = await KaitoCluster.StartAsync();
            _cluster.InferenceSet("phi-4");
            var host = await _cluster.StartScalerAsync(null, MtlsClient.Arguments);
            Address = MtlsClient.Address(host);
            await MtlsClient.ReadyAsync(host);
        }

        public async Task DisposeAsync() => await _cluster.DisposeAsync();
    }
}
