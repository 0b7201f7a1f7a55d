using k8s;
using k8s.Models;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class RequestLogTests
{
    [Fact]
    public async Task Each_answer_is_recorded_with_its_verb_path_query_and_status()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Requests.Clear();
        var objects = harness.Client.CustomObjects;

        await objects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural);
        await objects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), Group, V1beta1, "default", Plural, "phi");
        await objects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, labelSelector: "a=b");
        await Assert.ThrowsAnyAsync<Exception>(() => objects.GetNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "nope"));
        await objects.DeleteNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "phi");

        var records = harness.Api.Requests.Snapshot();
        Assert.Equal(
            ["create 201", "patch 200", "list 200", "get 404", "delete 200"],
            records.Select(r => $"{r.Request.Verb} {r.StatusCode}"));
        Assert.All(records, r => Assert.Equal(("kaito.sh", "v1beta1", Plural, "default"), (r.Request.Group, r.Request.Version, r.Request.Resource, r.Request.Namespace)));
        Assert.Equal("/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/phi", records[1].Request.Path);
        Assert.Equal("application/merge-patch+json", records[1].Request.ContentType?.Split(';')[0]);
        Assert.Contains("labelSelector=a%3Db", records[2].Request.Query);
        Assert.Equal(1, harness.Api.Requests.Count(r => r.Request.Method == "DELETE"));
        Assert.All(records, r => Assert.True(r.Timestamp > DateTimeOffset.UtcNow.AddMinutes(-1)));

        harness.Api.Requests.Clear();
        Assert.Equal(0, harness.Api.Requests.Count());
    }

    [Fact]
    public async Task Discovery_requests_are_recorded_as_non_resource_requests()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        await harness.Client.Apis.GetAPIVersionsAsync();

        var record = Assert.Single(harness.Api.Requests.Snapshot());
        Assert.False(record.Request.IsResourceRequest);
        Assert.Equal("/apis", record.Request.Path);
        Assert.Equal("get", record.Request.Verb);
    }

    [Fact]
    public async Task Waiting_for_a_request_that_never_comes_times_out_listing_what_came()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        await harness.Client.CoreV1.ListNamespaceAsync();

        var timeout = await Assert.ThrowsAsync<TimeoutException>(
            () => harness.Api.Requests.WaitForAsync(r => r.Request.Verb == "watch", TimeSpan.FromMilliseconds(100)));

        Assert.Contains("/api/v1/namespaces", timeout.Message);
    }
}
