using System.Text.Json.Nodes;
using OrleansKaitoScaler.Silo.Security;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Security;

public sealed class TriggerAuthenticationWriterTests
{
    private const string Api = "keda.sh/v1alpha1";
    private const string Kind = "ClusterTriggerAuthentication";

    [Fact]
    public async Task A_missing_ClusterTriggerAuthentication_is_created_pointing_KEDA_at_the_Go_scalers_Secret_keys()
    {
        await using var api = await StartAsync();

        var outcome = await Writer(api).EnsureAsync(CancellationToken.None);

        Assert.Equal("created", outcome);
        var spec = api.Api.Store.Get(Api, Kind, null, "keda-kaito-scaler-creds")!["spec"];
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"secretTargetRef": [
              {"parameter": "caCert", "name": "keda-kaito-scaler-server-certs", "key": "ca.crt"},
              {"parameter": "tlsClientCert", "name": "keda-kaito-scaler-client-certs", "key": "tls.crt"},
              {"parameter": "tlsClientKey", "name": "keda-kaito-scaler-client-certs", "key": "tls.key"}
            ]}
            """), spec), spec?.ToJsonString());
    }

    [Fact]
    public async Task One_pointing_elsewhere_gets_its_spec_replaced_and_keeps_its_other_fields_and_one_already_right_is_left_alone()
    {
        await using var api = await StartAsync();
        api.Api.Store.Create(new JsonObject
        {
            ["apiVersion"] = Api,
            ["kind"] = Kind,
            ["metadata"] = new JsonObject { ["name"] = "keda-kaito-scaler-creds", ["annotations"] = new JsonObject { ["note"] = "kept" } },
            ["spec"] = new JsonObject { ["secretTargetRef"] = new JsonArray(new JsonObject { ["parameter"] = "caCert", ["name"] = "old", ["key"] = "ca.crt" }) },
        });

        var first = await Writer(api).EnsureAsync(CancellationToken.None);
        var writes = api.Api.Requests.Count(r => r.Request.Verb is "update" or "create" or "patch");
        var second = await Writer(api).EnsureAsync(CancellationToken.None);

        Assert.Equal("updated", first);
        Assert.Equal("unchanged", second);
        Assert.Equal(writes, api.Api.Requests.Count(r => r.Request.Verb is "update" or "create" or "patch"));
        var stored = api.Api.Store.Get(Api, Kind, null, "keda-kaito-scaler-creds")!;
        Assert.Equal("kept", stored["metadata"]!["annotations"]!["note"]!.GetValue<string>());
        Assert.Equal("keda-kaito-scaler-server-certs", stored["spec"]!["secretTargetRef"]![0]!["name"]!.GetValue<string>());
    }

    private static async Task<CertificateApi> StartAsync()
    {
        var api = await CertificateApi.StartAsync();
        api.Api.RegisterCustomResourceDefinition(await File.ReadAllTextAsync(Fixtures.Path("crds", "keda.sh_clustertriggerauthentications.yaml")));
        return api;
    }

    private static TriggerAuthenticationWriter Writer(CertificateApi api) =>
        new(api.Client(), "keda-kaito-scaler-creds", "keda-kaito-scaler-server-certs", "keda-kaito-scaler-client-certs");
}
