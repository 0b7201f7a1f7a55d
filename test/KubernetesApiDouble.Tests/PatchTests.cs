using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class PatchTests
{
    private const string ObjectPath = "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/phi";

    [Fact]
    public async Task Merge_patch_sets_and_removes_fields()
    {
        await using var harness = await SeededAsync();

        var patched = ApiServerHarness.Json(await harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"labels":{"tier":"gold"}},"spec":{"replicas":3,"labelSelector":null}}""", V1Patch.PatchType.MergePatch),
            Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(3, Replicas(patched));
        Assert.Equal("gold", patched["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.False(patched["spec"]!.AsObject().ContainsKey("labelSelector"));
        Assert.Equal("phi-4-mini-instruct", patched["spec"]!["template"]!["inference"]!["preset"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_patch_applies_add_replace_remove_move_copy_and_test()
    {
        await using var harness = await SeededAsync();
        const string Operations = """
            [
              {"op":"test","path":"/spec/replicas","value":1},
              {"op":"replace","path":"/spec/replicas","value":4},
              {"op":"add","path":"/metadata/labels","value":{"a":"1"}},
              {"op":"copy","from":"/metadata/labels/a","path":"/metadata/labels/b"},
              {"op":"move","from":"/spec/nodeCountLimit","path":"/spec/limit"},
              {"op":"remove","path":"/spec/labelSelector"},
              {"op":"add","path":"/spec/tags","value":["x"]},
              {"op":"add","path":"/spec/tags/-","value":"z"},
              {"op":"add","path":"/spec/tags/1","value":"y"}
            ]
            """;
        harness.Api.Store.Update(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!.Also(o => o["spec"]!["nodeCountLimit"] = 5));

        var patched = ApiServerHarness.Json(await harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(Operations, V1Patch.PatchType.JsonPatch), Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(4, Replicas(patched));
        Assert.Equal("1", patched["metadata"]!["labels"]!["b"]!.GetValue<string>());
        Assert.Equal(5, patched["spec"]!["limit"]!.GetValue<int>());
        Assert.False(patched["spec"]!.AsObject().ContainsKey("nodeCountLimit"));
        Assert.False(patched["spec"]!.AsObject().ContainsKey("labelSelector"));
        Assert.Equal(["x", "y", "z"], patched["spec"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Json_patch_whose_test_fails_is_422_and_changes_nothing()
    {
        await using var harness = await SeededAsync();
        var before = harness.Api.Store.ResourceVersion;

        var failure = await Assert.ThrowsAsync<HttpOperationException>(() => harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""[{"op":"replace","path":"/spec/replicas","value":9},{"op":"test","path":"/spec/replicas","value":1}]""", V1Patch.PatchType.JsonPatch),
            Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, failure.Response.StatusCode);
        Assert.Contains("/spec/replicas", JsonNode.Parse(failure.Response.Content)!["message"]!.GetValue<string>());
        Assert.Equal(before, harness.Api.Store.ResourceVersion);
        Assert.Equal(1, Replicas(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!));
    }

    [Fact]
    public async Task Json_patch_on_a_missing_path_is_422_and_a_non_array_body_is_400()
    {
        await using var harness = await SeededAsync();

        var (missing, _) = await harness.SendAsync(HttpMethod.Patch, ObjectPath, """[{"op":"remove","path":"/spec/nothing"}]""", "application/json-patch+json");
        var (notArray, _) = await harness.SendAsync(HttpMethod.Patch, ObjectPath, """{"op":"remove"}""", "application/json-patch+json");

        Assert.Equal(422, missing);
        Assert.Equal(400, notArray);
    }

    [Fact]
    public async Task A_patch_carrying_a_stale_resource_version_is_409()
    {
        await using var harness = await SeededAsync();
        var stale = InferenceSets.ResourceVersion(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!);
        harness.Api.Store.Update(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!.Also(o => o["spec"]!["replicas"] = 2));

        var failure = await Assert.ThrowsAsync<HttpOperationException>(() => harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch($$$"""{"metadata":{"resourceVersion":"{{{stale}}}"},"spec":{"replicas":7}}""", V1Patch.PatchType.MergePatch),
            Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(HttpStatusCode.Conflict, failure.Response.StatusCode);
    }

    [Fact]
    public async Task Strategic_merge_patch_is_applied_as_a_merge_patch()
    {
        await using var harness = await SeededAsync();

        var (status, body) = await harness.SendAsync(HttpMethod.Patch, ObjectPath, """{"spec":{"replicas":6}}""", "application/strategic-merge-patch+json");

        Assert.Equal(200, status);
        Assert.Equal(6, Replicas(body));
    }

    [Fact]
    public async Task Server_side_apply_creates_then_merges()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        const string Path = "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/applied?fieldManager=test";
        const string Manifest = """
            apiVersion: kaito.sh/v1beta1
            kind: InferenceSet
            metadata:
              name: applied
            spec:
              replicas: 2
            """;

        var (created, _) = await harness.SendAsync(HttpMethod.Patch, Path, Manifest, "application/apply-patch+yaml");
        var (merged, body) = await harness.SendAsync(HttpMethod.Patch, Path, Manifest.Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal), "application/apply-patch+yaml");

        Assert.Equal(201, created);
        Assert.Equal(200, merged);
        Assert.Equal(3, Replicas(body));
    }

    [Fact]
    public async Task An_unknown_patch_content_type_is_415_with_a_status()
    {
        await using var harness = await SeededAsync();

        var (status, body) = await harness.SendAsync(HttpMethod.Patch, ObjectPath, "{}", "text/plain");

        Assert.Equal(415, status);
        Assert.Equal("UnsupportedMediaType", body["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patching_a_missing_object_is_404()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var (status, body) = await harness.SendAsync(HttpMethod.Patch, ObjectPath, "{}", "application/merge-patch+json");

        Assert.Equal(404, status);
        Assert.Equal("NotFound", body["reason"]!.GetValue<string>());
    }

    private static async Task<ApiServerHarness> SeededAsync()
    {
        var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("phi"));
        return harness;
    }
}
