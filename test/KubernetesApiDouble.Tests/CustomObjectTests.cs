using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class CustomObjectTests
{
    [Fact]
    public async Task Create_then_get_returns_the_object_with_server_set_metadata()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var created = ApiServerHarness.Json(await harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural));
        var fetched = ApiServerHarness.Json(await harness.Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "phi"));

        var metadata = fetched["metadata"]!;
        Assert.True(Guid.TryParse(metadata["uid"]!.GetValue<string>(), out _));
        Assert.Equal(1, metadata["generation"]!.GetValue<long>());
        Assert.True(DateTimeOffset.TryParse(metadata["creationTimestamp"]!.GetValue<string>(), out _));
        Assert.Equal(ResourceVersion(created), ResourceVersion(fetched));
        Assert.Equal(1, Replicas(fetched));
    }

    [Fact]
    public async Task Every_write_moves_the_global_resource_version_forward()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;

        var first = ApiServerHarness.Json(await objects.CreateNamespacedCustomObjectAsync(New("a"), Group, V1beta1, "default", Plural));
        var second = ApiServerHarness.Json(await objects.CreateNamespacedCustomObjectAsync(New("b"), Group, V1beta1, "default", Plural));
        first["spec"]!["replicas"] = 4;
        var updated = ApiServerHarness.Json(await objects.ReplaceNamespacedCustomObjectAsync(first, Group, V1beta1, "default", Plural, "a"));
        var list = ApiServerHarness.Json(await objects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural));

        var versions = new[] { first, second, updated }.Select(o => long.Parse(ResourceVersion(o))).ToArray();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(3, versions.Distinct().Count());
        Assert.Equal(versions[^1], long.Parse(list["metadata"]!["resourceVersion"]!.GetValue<string>()));
        Assert.Equal(harness.Api.Store.ResourceVersion, versions[^1]);
    }

    [Fact]
    public async Task Creating_an_existing_name_is_409_AlreadyExists()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        await harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural);

        var failure = await Assert.ThrowsAsync<HttpOperationException>(
            () => harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural));

        Assert.Equal(HttpStatusCode.Conflict, failure.Response.StatusCode);
        var status = JsonNode.Parse(failure.Response.Content)!;
        Assert.Equal("AlreadyExists", status["reason"]!.GetValue<string>());
        Assert.Equal("inferencesets.kaito.sh \"phi\" already exists", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Getting_a_missing_object_is_404_with_a_NotFound_status()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var failure = await Assert.ThrowsAsync<HttpOperationException>(
            () => harness.Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "nope"));
        var (code, status) = await harness.SendAsync(HttpMethod.Get, "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/nope");

        Assert.Equal(HttpStatusCode.NotFound, failure.Response.StatusCode);
        Assert.Equal(404, code);
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal("NotFound", status["reason"]!.GetValue<string>());
        Assert.Equal(404, status["code"]!.GetValue<int>());
        Assert.Equal("nope", status["details"]!["name"]!.GetValue<string>());
        Assert.Equal("kaito.sh", status["details"]!["group"]!.GetValue<string>());
        Assert.Equal("inferencesets", status["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Updating_with_a_stale_resource_version_is_409_Conflict()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;
        var original = ApiServerHarness.Json(await objects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural));
        var fresh = original.DeepClone().AsObject();
        fresh["spec"]!["replicas"] = 2;
        await objects.ReplaceNamespacedCustomObjectAsync(fresh, Group, V1beta1, "default", Plural, "phi");

        original["spec"]!["replicas"] = 3;
        var failure = await Assert.ThrowsAsync<HttpOperationException>(
            () => objects.ReplaceNamespacedCustomObjectAsync(original, Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(HttpStatusCode.Conflict, failure.Response.StatusCode);
        Assert.Equal("Conflict", JsonNode.Parse(failure.Response.Content)!["reason"]!.GetValue<string>());
        Assert.Equal(2, Replicas(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!));
    }

    [Fact]
    public async Task Updating_a_missing_object_is_404()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var failure = await Assert.ThrowsAsync<HttpOperationException>(
            () => harness.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(New("ghost"), Group, V1beta1, "default", Plural, "ghost"));

        Assert.Equal(HttpStatusCode.NotFound, failure.Response.StatusCode);
    }

    [Fact]
    public async Task Generation_counts_spec_changes_but_not_metadata_changes()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;
        var obj = ApiServerHarness.Json(await objects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural));

        obj["metadata"]!["labels"] = new JsonObject { ["team"] = "a" };
        obj = ApiServerHarness.Json(await objects.ReplaceNamespacedCustomObjectAsync(obj, Group, V1beta1, "default", Plural, "phi"));
        var afterLabel = obj["metadata"]!["generation"]!.GetValue<long>();
        obj["spec"]!["replicas"] = 5;
        obj = ApiServerHarness.Json(await objects.ReplaceNamespacedCustomObjectAsync(obj, Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(1, afterLabel);
        Assert.Equal(2, obj["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_update_that_changes_nothing_keeps_the_resource_version()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var obj = ApiServerHarness.Json(await harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural));

        var again = ApiServerHarness.Json(await harness.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(obj, Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(ResourceVersion(obj), ResourceVersion(again));
    }

    [Fact]
    public async Task GenerateName_gives_each_object_a_fresh_name()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var template = New("unused");
        template["metadata"]!.AsObject().Remove("name");
        template["metadata"]!["generateName"] = "phi-";

        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = ApiServerHarness.Json(await harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(template, Group, V1beta1, "default", Plural));
            names.Add(created["metadata"]!["name"]!.GetValue<string>());
        }

        Assert.All(names, n => Assert.Matches("^phi-[a-z0-9]{5}$", n));
        Assert.Equal(3, names.Distinct().Count());
    }

    [Fact]
    public async Task An_object_written_as_v1alpha1_reads_back_as_v1beta1()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var alpha = New("phi");
        alpha["apiVersion"] = "kaito.sh/v1alpha1";

        await harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(alpha, Group, "v1alpha1", "default", Plural);
        var beta = ApiServerHarness.Json(await harness.Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, "v1beta1", "default", Plural, "phi"));

        Assert.Equal("kaito.sh/v1beta1", beta["apiVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_name_that_is_not_a_dns_subdomain_is_422_Invalid()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var failure = await Assert.ThrowsAsync<HttpOperationException>(
            () => harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(New("Not_Valid"), Group, V1beta1, "default", Plural));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, failure.Response.StatusCode);
        Assert.Equal("Invalid", JsonNode.Parse(failure.Response.Content)!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_namespace_that_differs_from_the_url_is_400()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var failure = await Assert.ThrowsAsync<HttpOperationException>(
            () => harness.Client.CustomObjects.CreateNamespacedCustomObjectAsync(New("phi", @namespace: "other"), Group, V1beta1, "default", Plural));

        Assert.Equal(HttpStatusCode.BadRequest, failure.Response.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_a_second_delete_is_404()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;
        await objects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural);

        await objects.DeleteNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "phi");
        var failure = await Assert.ThrowsAsync<HttpOperationException>(
            () => objects.DeleteNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "phi"));

        Assert.Equal(HttpStatusCode.NotFound, failure.Response.StatusCode);
        Assert.Null(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi"));
    }

    [Fact]
    public async Task Delete_with_a_stale_precondition_is_409_and_keeps_the_object()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var objects = harness.Client.CustomObjects;
        var created = ApiServerHarness.Json(await objects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural));
        harness.Api.Store.Update(created.Also(o => o["spec"]!["replicas"] = 2));

        var staleVersion = await Assert.ThrowsAsync<HttpOperationException>(() => objects.DeleteNamespacedCustomObjectAsync(
            Group, V1beta1, "default", Plural, "phi", body: new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = ResourceVersion(created) } }));
        var wrongUid = await Assert.ThrowsAsync<HttpOperationException>(() => objects.DeleteNamespacedCustomObjectAsync(
            Group, V1beta1, "default", Plural, "phi", body: new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = Guid.NewGuid().ToString() } }));

        Assert.Equal(HttpStatusCode.Conflict, staleVersion.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, wrongUid.Response.StatusCode);
        Assert.NotNull(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi"));
    }

    [Fact]
    public async Task A_namespaced_resource_requested_without_a_namespace_is_404()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var (status, body) = await harness.SendAsync(HttpMethod.Get, "/apis/kaito.sh/v1beta1/inferencesets/phi");

        Assert.Equal(404, status);
        Assert.Equal("the server could not find the requested resource", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_dry_run_is_refused_rather_than_silently_written()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var (status, _) = await harness.SendAsync(HttpMethod.Post, "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets?dryRun=All", New("phi").ToJsonString());

        Assert.Equal(400, status);
        Assert.Null(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi"));
    }
}
