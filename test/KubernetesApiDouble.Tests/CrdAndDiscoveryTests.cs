using k8s;
using k8s.Models;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class CrdAndDiscoveryTests
{
    [Fact]
    public async Task Fixture_crds_load_and_discovery_lists_kaito_and_keda_groups()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var groups = await harness.Client.Apis.GetAPIVersionsAsync();

        Assert.Equal(5, harness.LoadedCrds);

        var kaito = Assert.Single(groups.Groups, g => g.Name == "kaito.sh");
        Assert.Equal(["kaito.sh/v1beta1", "kaito.sh/v1alpha1"], kaito.Versions.Select(v => v.GroupVersion));
        Assert.Equal("v1beta1", kaito.PreferredVersion.Version);
        var keda = Assert.Single(groups.Groups, g => g.Name == "keda.sh");
        Assert.Equal(["keda.sh/v1alpha1"], keda.Versions.Select(v => v.GroupVersion));
        Assert.Contains(groups.Groups, g => g.Name == "coordination.k8s.io");
    }

    [Fact]
    public async Task Group_version_discovery_describes_inferencesets_with_short_names_and_subresources()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        foreach (var version in new[] { "v1alpha1", "v1beta1" })
        {
            var (status, body) = await harness.SendAsync(HttpMethod.Get, $"/apis/kaito.sh/{version}");

            Assert.Equal(200, status);
            Assert.Equal("APIResourceList", body["kind"]!.GetValue<string>());
            var resources = body["resources"]!.AsArray().Select(r => r!.AsObject()).ToDictionary(r => r["name"]!.GetValue<string>());
            var inferenceSets = resources["inferencesets"];
            Assert.Equal("InferenceSet", inferenceSets["kind"]!.GetValue<string>());
            Assert.True(inferenceSets["namespaced"]!.GetValue<bool>());
            Assert.Equal("inferenceset", inferenceSets["singularName"]!.GetValue<string>());
            Assert.Equal(["is", "isets"], inferenceSets["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Contains("watch", inferenceSets["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
            Assert.Contains("inferencesets/status", resources.Keys);
            Assert.Equal("Scale", resources["inferencesets/scale"]["kind"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Core_discovery_and_version_answer_like_a_real_server()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var core = await harness.Client.CoreV1.GetAPIResourcesAsync();
        var version = await harness.Client.Version.GetCodeAsync();

        Assert.Equal("v1", core.GroupVersion);
        Assert.Contains(core.Resources, r => r.Name == "pods" && r.Namespaced && r.ShortNames.Contains("po"));
        Assert.Contains(core.Resources, r => r.Name == "namespaces" && !r.Namespaced);
        Assert.Equal("v1.33.0", version.GitVersion);
        Assert.Equal("33", version.Minor);
    }

    [Fact]
    public async Task A_loaded_crd_is_readable_as_an_established_object()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var crd = await harness.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("inferencesets.kaito.sh");

        Assert.Equal("kaito.sh", crd.Spec.Group);
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Equal(["v1beta1"], crd.Status.StoredVersions);
    }

    [Fact]
    public async Task A_crd_created_over_http_serves_its_resource_and_deleting_it_withdraws_the_resource()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var crd = new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "widgets.example.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "example.com",
                Scope = "Cluster",
                Names = new V1CustomResourceDefinitionNames { Plural = "widgets", Singular = "widget", Kind = "Widget" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = "v1",
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } },
                    },
                ],
            },
        };

        await harness.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        var widget = new Dictionary<string, object> { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new Dictionary<string, string> { ["name"] = "w1" } };
        await harness.Client.CustomObjects.CreateClusterCustomObjectAsync(widget, "example.com", "v1", "widgets");
        var listed = ApiServerHarness.Json(await harness.Client.CustomObjects.ListClusterCustomObjectAsync("example.com", "v1", "widgets"));
        await harness.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("widgets.example.com");
        var (status, _) = await harness.SendAsync(HttpMethod.Get, "/apis/example.com/v1/widgets");

        Assert.Equal("w1", Assert.Single(listed["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Registering_yaml_that_is_not_a_crd_is_refused()
    {
        await using var api = await KubernetesApiServerDouble.StartAsync();

        var refused = Assert.Throws<ArgumentException>(() => api.RegisterCustomResourceDefinition("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"));

        Assert.Contains("CustomResourceDefinition", refused.Message);
    }

    [Fact]
    public async Task Fixture_crd_files_load_one_by_one_as_well()
    {
        await using var api = await KubernetesApiServerDouble.StartAsync();

        api.RegisterCustomResourceDefinition(Fixtures.Text("crds", "keda.sh_scaledobjects.yaml"));
        api.RegisterCustomResourceDefinition(Fixtures.Text("crds", "keda.sh_scaledobjects.yaml"));

        Assert.Single(api.Store.List("apiextensions.k8s.io/v1", "CustomResourceDefinition"));
        Assert.Empty(api.Store.List("keda.sh/v1alpha1", "ScaledObject"));
    }
}
