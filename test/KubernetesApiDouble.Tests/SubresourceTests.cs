using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class SubresourceTests
{
    [Fact]
    public async Task A_status_update_changes_only_status()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;
        var obj = ApiServerHarness.Json(await objects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural));

        obj["spec"]!["replicas"] = 9;
        obj["status"] = new JsonObject { ["readyReplicas"] = 1, ["replicas"] = 1 };
        var updated = ApiServerHarness.Json(await objects.ReplaceNamespacedCustomObjectStatusAsync(obj, Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(1, updated["status"]!["readyReplicas"]!.GetValue<int>());
        Assert.Equal(1, Replicas(updated));
        Assert.Equal(1, updated["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Writes_to_the_main_resource_ignore_status()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;
        var withStatus = New("phi").Also(o => o["status"] = new JsonObject { ["readyReplicas"] = 5 });

        var created = ApiServerHarness.Json(await objects.CreateNamespacedCustomObjectAsync(withStatus, Group, V1beta1, "default", Plural));
        await objects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"readyReplicas":1}}""", V1Patch.PatchType.MergePatch), Group, V1beta1, "default", Plural, "phi");
        var current = ApiServerHarness.Json(await objects.GetNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "phi"));
        current["status"]!["readyReplicas"] = 7;
        current["spec"]!["replicas"] = 2;
        var replaced = ApiServerHarness.Json(await objects.ReplaceNamespacedCustomObjectAsync(current, Group, V1beta1, "default", Plural, "phi"));

        Assert.False(created.ContainsKey("status"));
        Assert.Equal(1, replaced["status"]!["readyReplicas"]!.GetValue<int>());
        Assert.Equal(2, Replicas(replaced));
    }

    [Fact]
    public async Task The_scale_subresource_reads_and_sets_replicas()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;
        harness.Api.Store.Create(New("phi", replicas: 2).Also(o => o["status"] = new JsonObject { ["replicas"] = 1, ["selector"] = "apps=phi" }));

        var scale = ApiServerHarness.Json(await objects.GetNamespacedCustomObjectScaleAsync(Group, V1beta1, "default", Plural, "phi"));
        await objects.PatchNamespacedCustomObjectScaleAsync(
            new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), Group, V1beta1, "default", Plural, "phi");

        Assert.Equal("Scale", scale["kind"]!.GetValue<string>());
        Assert.Equal("autoscaling/v1", scale["apiVersion"]!.GetValue<string>());
        Assert.Equal(2, scale["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(1, scale["status"]!["replicas"]!.GetValue<int>());
        Assert.Equal("apps=phi", scale["status"]!["selector"]!.GetValue<string>());
        Assert.Equal(4, Replicas(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!));
    }

    [Fact]
    public async Task A_scale_update_with_a_stale_resource_version_is_409()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("phi"));
        var (_, scale) = await harness.SendAsync(HttpMethod.Get, "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/phi/scale");
        harness.Api.Store.Update(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!.Also(o => o["metadata"]!["labels"] = new JsonObject { ["x"] = "y" }));

        scale["spec"]!["replicas"] = 3;
        var (status, _) = await harness.SendAsync(HttpMethod.Put, "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/phi/scale", scale.ToJsonString());

        Assert.Equal(409, status);
    }

    [Fact]
    public async Task An_undeclared_subresource_is_404()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(new JsonObject
        {
            ["apiVersion"] = "keda.sh/v1alpha1",
            ["kind"] = "ScaledObject",
            ["metadata"] = new JsonObject { ["name"] = "so" },
            ["spec"] = new JsonObject { ["scaleTargetRef"] = new JsonObject { ["name"] = "phi" } },
        });

        var (scale, _) = await harness.SendAsync(HttpMethod.Get, "/apis/keda.sh/v1alpha1/namespaces/default/scaledobjects/so/scale");
        var (status, _) = await harness.SendAsync(HttpMethod.Get, "/apis/keda.sh/v1alpha1/namespaces/default/scaledobjects/so/status");

        Assert.Equal(404, scale);
        Assert.Equal(200, status);
    }
}
