using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class FaultInjectionTests
{
    private const string Collection = "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets";

    [Fact]
    public async Task A_429_carries_retry_after_and_a_TooManyRequests_status_then_requests_succeed_again()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Faults.FailNext(2, 429, r => r.Verb == "list", retryAfter: TimeSpan.FromSeconds(3));

        var throttled = await Assert.ThrowsAsync<HttpOperationException>(
            () => harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural));
        using var raw = await harness.Http.GetAsync(Collection.TrimStart('/'));
        var recovered = await harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Response.StatusCode);
        Assert.Contains("\"reason\":\"TooManyRequests\"", throttled.Response.Content);
        Assert.Contains("\"retryAfterSeconds\":3", throttled.Response.Content);
        Assert.Equal(HttpStatusCode.TooManyRequests, raw.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), raw.Headers.RetryAfter?.Delta);
        Assert.NotNull(recovered);
    }

    [Fact]
    public async Task A_500_hits_only_the_matching_requests_and_only_as_many_as_asked()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("phi"));
        harness.Api.Faults.FailNext(2, 500, r => r.Verb == "get" && r.Resource == Plural);

        await harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural);
        var first = await Assert.ThrowsAsync<HttpOperationException>(() => GetAsync(harness));
        var second = await Assert.ThrowsAsync<HttpOperationException>(() => GetAsync(harness));
        var third = await GetAsync(harness);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Response.StatusCode);
        Assert.Contains("\"reason\":\"InternalError\"", second.Response.Content);
        Assert.NotNull(third);
        Assert.Equal([500, 500, 200], harness.Api.Requests.Snapshot().Where(r => r.Request.Verb == "get").Select(r => r.StatusCode));
    }

    [Fact]
    public async Task A_watch_request_can_be_refused_before_its_stream_opens()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Faults.FailNext(1, 503, r => r.Verb == "watch");

        using var refused = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true");
        using var accepted = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&timeoutSeconds=1");

        Assert.Equal(503, refused.StatusCode);
        Assert.Equal(200, accepted.StatusCode);
    }

    [Fact]
    public async Task Latency_delays_matching_requests_until_removed()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var delay = TimeSpan.FromMilliseconds(400);
        var clock = Stopwatch.StartNew();

        using (harness.Api.Faults.AddLatency(delay, r => r.Resource == Plural))
        {
            await harness.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural);
        }

        var delayed = clock.Elapsed;
        harness.Api.Faults.AddLatency(TimeSpan.FromMinutes(5), r => r.Resource == "pods");
        harness.Api.Faults.Reset();
        await harness.Client.CoreV1.ListNamespacedPodAsync("default").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(delayed >= delay, $"the list took {delayed}, less than the injected {delay}");
    }

    private static Task<object> GetAsync(ApiServerHarness harness) =>
        harness.Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "phi");
}
