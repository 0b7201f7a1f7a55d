using System.Text;
using k8s.Models;
using OrleansKaitoScaler.Silo.Security;

namespace OrleansKaitoScaler.Silo.Tests.Security;

public sealed class CertificateSecretStoreTests
{
    private const string Name = "keda-kaito-scaler-server-certs";

    [Fact]
    public async Task Of_two_creates_of_one_Secret_the_second_gets_a_conflict_and_overwrites_nothing()
    {
        await using var api = await CertificateApi.StartAsync();
        var first = api.Store();
        var second = api.Store();

        var won = await first.WriteAsync(Name, null, Data("first"), CancellationToken.None);
        var lost = await second.WriteAsync(Name, null, Data("second"), CancellationToken.None);

        Assert.NotNull(won);
        Assert.Null(lost);
        Assert.Equal("first", Value(await first.ReadAsync(Name, CancellationToken.None)));
        Assert.Equal(1, api.SecretWrites("create", 409));
        Assert.Equal("orleans-kaito-scaler", won.Metadata.Labels["app.kubernetes.io/managed-by"]);
    }

    [Fact]
    public async Task A_write_at_a_stale_resourceVersion_is_refused_and_overwrites_nothing()
    {
        await using var api = await CertificateApi.StartAsync();
        var first = api.Store();
        var second = api.Store();
        await first.WriteAsync(Name, null, Data("v1"), CancellationToken.None);
        var readByFirst = await first.ReadAsync(Name, CancellationToken.None);
        var readBySecond = await second.ReadAsync(Name, CancellationToken.None);

        var written = await second.WriteAsync(Name, readBySecond, Data("v2 by second"), CancellationToken.None);
        var stale = await first.WriteAsync(Name, readByFirst, Data("v2 by first"), CancellationToken.None);

        Assert.NotNull(written);
        Assert.Null(stale);
        Assert.Equal("v2 by second", Value(await first.ReadAsync(Name, CancellationToken.None)));
        Assert.Equal(1, api.SecretWrites("update", 409));
    }

    [Fact]
    public async Task A_Secret_a_chart_created_without_data_is_filled_in_place_keeping_its_metadata()
    {
        await using var api = await CertificateApi.StartAsync();
        api.Api.Store.Create(new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = Name, ["namespace"] = CertificateApi.Namespace, ["labels"] = new System.Text.Json.Nodes.JsonObject { ["helm.sh/chart"] = "keda-kaito-scaler" } },
        });
        var store = api.Store();

        var read = await store.ReadAsync(Name, CancellationToken.None);
        var written = await store.WriteAsync(Name, read, Data("filled"), CancellationToken.None);

        Assert.NotNull(written);
        Assert.Equal("filled", Value(await store.ReadAsync(Name, CancellationToken.None)));
        Assert.Equal("keda-kaito-scaler", written.Metadata.Labels["helm.sh/chart"]);
        Assert.Equal(0, api.SecretWrites("create", 201));
    }

    private static Dictionary<string, byte[]> Data(string value) => new() { ["ca.crt"] = Encoding.UTF8.GetBytes(value) };

    private static string? Value(V1Secret? secret) => secret?.Data is { } data ? Encoding.UTF8.GetString(data["ca.crt"]) : null;
}
