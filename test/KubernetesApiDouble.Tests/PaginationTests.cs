using System.Net;
using k8s;
using k8s.Autorest;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class PaginationTests
{
    [Fact]
    public async Task Limit_and_continue_page_through_every_object_once_at_one_resource_version()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            harness.Api.Store.Create(New($"is-{i}"));
        }

        var names = new List<string>();
        var versions = new HashSet<string>();
        var remaining = new List<long?>();
        string? next = null;
        do
        {
            var page = ApiServerHarness.Json(await harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(
                Group, V1beta1, "default", Plural, limit: 3, continueParameter: next));
            names.AddRange(SelectorTests.Names(page));
            versions.Add(page["metadata"]!["resourceVersion"]!.GetValue<string>());
            remaining.Add(page["metadata"]!["remainingItemCount"]?.GetValue<long>());
            next = page["metadata"]!["continue"]?.GetValue<string>();
        }
        while (next is not null);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"is-{i}"), names);
        Assert.Single(versions);
        Assert.Equal([4, 1, null], remaining);
    }

    [Fact]
    public async Task A_continue_token_from_before_a_compaction_is_410_Expired()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("a"));
        harness.Api.Store.Create(New("b"));
        var first = ApiServerHarness.Json(await harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, limit: 1));
        harness.Api.Store.Create(New("c"));

        harness.Api.Store.Compact();
        var failure = await Assert.ThrowsAsync<HttpOperationException>(() => harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(
            Group, V1beta1, "default", Plural, limit: 1, continueParameter: first["metadata"]!["continue"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.Gone, failure.Response.StatusCode);
        Assert.Contains("\"reason\":\"Expired\"", failure.Response.Content);
    }

    [Fact]
    public async Task A_garbled_continue_token_is_400()
    {
        await using var harness = await ApiServerHarness.StartAsync();

        var (status, _) = await harness.SendAsync(HttpMethod.Get, "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets?limit=1&continue=not-a-token");

        Assert.Equal(400, status);
    }
}
