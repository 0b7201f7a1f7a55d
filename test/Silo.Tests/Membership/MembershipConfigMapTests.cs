using System.Text.Json.Nodes;
using Orleans.Runtime;
using OrleansKaitoScaler.Silo.Membership;

namespace OrleansKaitoScaler.Silo.Tests.Membership;

/// <summary>What an operator sees with <c>kubectl get configmap -o yaml</c>, and how a ClusterId becomes a name.</summary>
public sealed class MembershipConfigMapTests
{
    [Theory]
    [InlineData("orleans-membership-", "scaler", "orleans-membership-scaler")]
    [InlineData("orleans-membership-", "kaito-scaler-0", "orleans-membership-kaito-scaler-0")]
    [InlineData("", "scaler", "scaler")]
    public void A_ClusterId_that_is_already_a_DNS_label_is_used_as_it_is(string prefix, string clusterId, string expected) =>
        Assert.Equal(expected, MembershipConfigMap.NameFor(prefix, clusterId));

    [Theory]
    [InlineData("Prod_A")]
    [InlineData("prod.a")]
    [InlineData("PROD-A")]
    [InlineData("-prod-a-")]
    [InlineData("a very long cluster id that goes on and on well past what any Kubernetes name may hold")]
    [InlineData("ü")]
    public void Any_other_ClusterId_is_sanitised_to_a_DNS_label_with_a_hash_of_the_original(string clusterId)
    {
        var name = MembershipConfigMap.NameFor("orleans-membership-", clusterId);

        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
        Assert.InRange(name.Length, 1, 63);
        Assert.StartsWith("orleans-membership-", name, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterIds_that_sanitise_alike_still_get_different_names()
    {
        string[] ids = ["Prod_A", "prod.a", "PROD-A", "prod-a", "prod_a"];

        var names = ids.Select(id => MembershipConfigMap.NameFor("orleans-membership-", id)).ToList();

        Assert.Equal(ids.Length, names.Distinct().Count());
    }

    [Fact]
    public void Row_keys_are_valid_ConfigMap_keys_and_differ_for_every_address()
    {
        SiloAddress[] silos =
        [
            SiloAddress.New(System.Net.IPAddress.Parse("10.0.0.5"), 11111, 1),
            SiloAddress.New(System.Net.IPAddress.Parse("10.0.0.5"), 11111, 2),
            SiloAddress.New(System.Net.IPAddress.Parse("10.0.0.5"), 11112, 1),
            SiloAddress.New(System.Net.IPAddress.Parse("fe80::1%2"), 11111, 1),
            SiloAddress.New(System.Net.IPAddress.Parse("fe80::1:2"), 11111, 1),
            SiloAddress.New(System.Net.IPAddress.Parse("::1"), 11111, 1),
            SiloAddress.New(System.Net.IPAddress.Parse("10.0.0.50"), 11111, 1),
        ];

        var keys = silos.Select(MembershipRow.KeyFor).ToList();

        Assert.All(keys, k => Assert.Matches("^silo-[-._a-zA-Z0-9]+$", k));
        Assert.Equal(silos.Length, keys.Distinct().Count());
        Assert.Equal("silo-10.0.0.5-11111-1", keys[0]);
    }

    [Fact]
    public async Task The_table_is_one_labelled_ConfigMap_with_the_version_and_a_JSON_row_per_silo()
    {
        await using var api = await MembershipApi.StartAsync();
        var table = await api.TableAsync();
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));

        var configMap = api.ConfigMap(table)!;

        Assert.Equal(MembershipConfigMap.NameFor("orleans-membership-", api.ClusterId), table.ConfigMapName);
        Assert.Equal(MembershipApi.Namespace, configMap["metadata"]!["namespace"]!.GetValue<string>());
        var labels = configMap["metadata"]!["labels"]!.AsObject();
        Assert.Equal("orleans-kaito-scaler", labels["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal("orleans-membership", labels["app.kubernetes.io/component"]!.GetValue<string>());
        Assert.Equal(api.ClusterId, configMap["metadata"]!["annotations"]![MembershipConfigMap.ClusterIdAnnotation]!.GetValue<string>());
        var data = configMap["data"]!.AsObject();
        Assert.Equal("1", data["table-version"]!.GetValue<string>());
        var row = JsonNode.Parse(data[MembershipRow.KeyFor(entry.SiloAddress)]!.GetValue<string>())!;
        Assert.Equal(entry.SiloAddress.ToParsableString(), row["siloAddress"]!.GetValue<string>());
        Assert.Equal("Joining", row["status"]!.GetValue<string>());
        Assert.Equal((await table.ReadAll()).Members[0].Item2, row["etag"]!.GetValue<string>());
        Assert.Equal(3, data.Count);
    }

    [Fact]
    public async Task Initialising_twice_keeps_the_rows_and_a_table_of_another_cluster_is_refused()
    {
        await using var api = await MembershipApi.StartAsync();
        var table = await api.TableAsync();
        Assert.True(await table.InsertRow(MembershipEntries.New(), (await table.ReadAll()).Version.Next()));

        await (await api.TableAsync()).InitializeMembershipTable(tryInitTableVersion: true);
        Assert.Single((await table.ReadAll()).Members);

        // Prefixes chosen so two cluster ids land on one name.
        var options = MembershipApi.Options();
        options.ConfigMapNamePrefix = "orleans-membership-test-";
        var clash = api.Table(options, clusterId: api.ClusterId["test-".Length..]);
        Assert.Equal(table.ConfigMapName, clash.ConfigMapName);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => clash.InitializeMembershipTable(tryInitTableVersion: true));
        Assert.Contains(api.ClusterId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_deleted_under_the_cluster_is_created_again_by_the_next_insert()
    {
        await using var api = await MembershipApi.StartAsync();
        var table = await api.TableAsync();
        api.Api.Store.Delete("v1", "ConfigMap", table.Namespace, table.ConfigMapName);

        var data = await table.ReadAll();
        Assert.True(await table.InsertRow(MembershipEntries.New(), data.Version.Next()));

        Assert.NotNull(api.ConfigMap(table));
        Assert.Single((await table.ReadAll()).Members);
    }
}
