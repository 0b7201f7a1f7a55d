using System.Net;
using k8s;
using k8s.Autorest;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class SelectorTests
{
    [Theory]
    [InlineData("tier=gold", "a")]
    [InlineData("tier==gold", "a")]
    [InlineData("tier!=gold", "b,c")]
    [InlineData("tier in (gold,silver)", "a,b")]
    [InlineData("tier notin (gold)", "b,c")]
    [InlineData("tier", "a,b")]
    [InlineData("!tier", "c")]
    [InlineData("tier,app=phi", "a")]
    [InlineData("tier in (silver),!app", "b")]
    [InlineData("", "a,b,c")]
    public async Task Label_selectors_filter_lists(string selector, string expected)
    {
        await using var harness = await SeededAsync();

        var list = ApiServerHarness.Json(await harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(
            Group, V1beta1, "default", Plural, labelSelector: selector));

        Assert.Equal(expected.Split(','), Names(list));
    }

    [Theory]
    [InlineData("metadata.name=b", "default", "b")]
    [InlineData("metadata.name==b", "default", "b")]
    [InlineData("metadata.name!=b", "default", "a,c")]
    [InlineData("metadata.namespace=other", null, "d")]
    [InlineData("metadata.namespace!=other,metadata.name!=a", null, "b,c")]
    public async Task Field_selectors_filter_lists(string selector, string? @namespace, string expected)
    {
        await using var harness = await SeededAsync();

        var list = @namespace is null
            ? await harness.Client.CustomObjects.ListClusterCustomObjectAsync(Group, V1beta1, Plural, fieldSelector: selector)
            : await harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1beta1, @namespace, Plural, fieldSelector: selector);

        Assert.Equal(expected.Split(','), Names(ApiServerHarness.Json(list)));
    }

    [Fact]
    public async Task A_field_selector_on_an_unsupported_field_is_400()
    {
        await using var harness = await SeededAsync();

        var failure = await Assert.ThrowsAsync<HttpOperationException>(() => harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(
            Group, V1beta1, "default", Plural, fieldSelector: "spec.replicas=1"));

        Assert.Equal(HttpStatusCode.BadRequest, failure.Response.StatusCode);
        Assert.Contains("field label not supported: spec.replicas", failure.Response.Content);
    }

    [Fact]
    public async Task A_malformed_label_selector_is_400()
    {
        await using var harness = await SeededAsync();

        var (status, body) = await harness.SendAsync(HttpMethod.Get, "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets?labelSelector=tier%20in%20gold");

        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pod_field_selectors_cover_the_fields_the_real_server_supports()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.CreateFromYaml("""
            apiVersion: v1
            kind: Pod
            metadata: {name: running}
            spec: {nodeName: node-1, containers: [{name: c, image: i}]}
            status: {phase: Running}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: pending}
            spec: {containers: [{name: c, image: i}]}
            status: {phase: Pending}
            """);

        var running = await harness.Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "status.phase=Running,spec.nodeName=node-1");

        Assert.Equal("running", Assert.Single(running.Items).Metadata.Name);
    }

    internal static async Task<ApiServerHarness> SeededAsync()
    {
        var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("a", labels: new Dictionary<string, string> { ["tier"] = "gold", ["app"] = "phi" }));
        harness.Api.Store.Create(New("b", labels: new Dictionary<string, string> { ["tier"] = "silver" }));
        harness.Api.Store.Create(New("c", labels: new Dictionary<string, string> { ["app"] = "phi" }));
        harness.Api.Store.Create(New("d", @namespace: "other"));
        return harness;
    }

    internal static string[] Names(System.Text.Json.Nodes.JsonObject list) =>
        list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToArray();
}
