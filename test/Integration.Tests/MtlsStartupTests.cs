using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>Start-up with mTLS: readiness waits for the certificate, and replicas starting together share one CA.</summary>
public sealed class MtlsStartupTests
{
    [Fact]
    public async Task Until_the_server_certificate_is_loaded_the_scaler_is_not_ready()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");
        cluster.Api.Faults.FailNext(100_000, 500, r => r.Resource == "secrets");
        var scaler = await cluster.StartScalerAsync(null, MtlsClient.Arguments);

        // Everything else is ready (the inventory listed); only the certificate is missing.
        await Eventually.Get(
            async () => await (await scaler.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).Content.ReadAsStringAsync(),
            body => body.Contains("server-certificate: Unhealthy", StringComparison.Ordinal) && body.Contains("inventory: Healthy", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "not ready for want of the certificate alone");
        cluster.Api.Faults.Reset();

        await MtlsClient.ReadyAsync(scaler);
        using var client = MtlsClient.IssuedClient(cluster.Api);
        Assert.True(await MtlsClient.IsActiveAsync(MtlsClient.Address(scaler), cluster.Api, client));
    }

    [Fact]
    public async Task Two_scalers_starting_together_store_one_CA_and_both_accept_its_client_certificate()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");

        var started = await Task.WhenAll(
            cluster.StartAnotherScalerAsync(null, MtlsClient.Arguments),
            cluster.StartAnotherScalerAsync(null, MtlsClient.Arguments));
        await using var first = started[0];
        await using var second = started[1];
        await MtlsClient.ReadyAsync(first);
        await MtlsClient.ReadyAsync(second);

        // Two Secrets, each created once; whichever replica lost a create (409) adopted the winner's instead of rotating it.
        Assert.Equal(2, cluster.Api.Requests.Count(r => r.Request.Resource == "secrets" && r.Request.Verb == "create" && r.StatusCode == 201));
        Assert.Equal(0, cluster.Api.Requests.Count(r => r.Request.Resource == "secrets" && r.Request.Verb == "update" && r.StatusCode == 200));
        Assert.Single(MtlsClient.Bundle(cluster.Api));
        using var client = MtlsClient.IssuedClient(cluster.Api);
        Assert.True(await MtlsClient.IsActiveAsync(MtlsClient.Address(first), cluster.Api, client));
        Assert.True(await MtlsClient.IsActiveAsync(MtlsClient.Address(second), cluster.Api, client));
    }
}
