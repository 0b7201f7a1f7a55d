using System.Text.Json.Nodes;
using k8s;
using OrleansKaitoScaler.TestSupport;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class ObjectStoreTests
{
    [Fact]
    public async Task Every_kaito_and_keda_example_fixture_seeds_through_yaml_and_reads_back_over_http()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var kinds = new List<string>();

        foreach (var file in Directory.EnumerateFiles(Fixtures.Path("crds", "kaito-examples"), "*.yaml").Order())
        {
            foreach (var seeded in harness.Api.Store.CreateFromYaml(File.ReadAllText(file)))
            {
                var apiVersion = seeded["apiVersion"]!.GetValue<string>();
                var kind = seeded["kind"]!.GetValue<string>();
                var path = $"/{(apiVersion.Contains('/') ? "apis" : "api")}/{apiVersion}/namespaces/default/{kind.ToLowerInvariant()}s/{seeded["metadata"]!["name"]}";
                var (status, read) = await harness.SendAsync(HttpMethod.Get, path);
                var (deleted, _) = await harness.SendAsync(HttpMethod.Delete, path);

                Assert.Equal((200, 200), (status, deleted));
                Assert.True(JsonNode.DeepEquals(seeded["spec"] ?? seeded["stringData"], read["spec"] ?? read["stringData"]), file);
                kinds.Add(kind);
            }
        }

        Assert.Equal(["InferenceSet", "ScaledObject", "Secret", "Workspace"], kinds.Distinct().Order());
    }

    [Fact]
    public async Task Direct_writes_keep_status_and_enforce_resource_versions()
    {
        await using var api = await KubernetesApiServerDouble.StartAsync();
        api.LoadCrds(Fixtures.Path("crds"));

        var created = api.Store.Create(New("phi").Also(o => o["status"] = new JsonObject { ["readyReplicas"] = 1 }));
        api.Store.Update(created.DeepClone().AsObject().Also(o => o["spec"]!["replicas"] = 2));
        var stale = Assert.Throws<InvalidOperationException>(() => api.Store.Update(created));

        Assert.Equal(1, created["status"]!["readyReplicas"]!.GetValue<int>());
        Assert.Contains("409 Conflict", stale.Message);
        Assert.Equal(2, Replicas(api.Store.Get(ApiVersion, Plural, "default", "phi")!));
        Assert.Single(api.Store.List(ApiVersion, "InferenceSet"));
        Assert.True(api.Store.Delete(ApiVersion, "InferenceSet", "default", "phi"));
        Assert.False(api.Store.Delete(ApiVersion, "InferenceSet", "default", "phi"));
    }

    [Fact]
    public async Task Naming_a_resource_that_is_not_served_is_an_argument_error()
    {
        await using var api = await KubernetesApiServerDouble.StartAsync();

        var unknown = Assert.Throws<ArgumentException>(() => api.Store.Get(ApiVersion, "InferenceSet", "default", "phi"));

        Assert.Contains("register its CustomResourceDefinition", unknown.Message);
    }

    [Fact]
    public async Task Options_that_cannot_work_stop_the_start_naming_the_option()
    {
        var failure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => KubernetesApiServerDouble.StartAsync(new KubernetesApiServerDoubleOptions { EventHistoryCapacity = 0 }));

        Assert.Equal(nameof(KubernetesApiServerDoubleOptions.EventHistoryCapacity), failure.ParamName);
    }

    [Fact]
    public async Task The_written_kubeconfig_points_the_client_at_the_server()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(harness.KubeconfigPath);

        Assert.Equal(harness.Api.BaseAddress.GetLeftPart(UriPartial.Authority), config.Host.TrimEnd('/'));
        Assert.Equal("default", config.Namespace);
        Assert.Equal("kubernetes-api-double", config.AccessToken);
    }
}
