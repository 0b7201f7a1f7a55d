using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using OrleansKaitoScaler.TestSupport;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class WatchTests
{
    private const string Collection = "/apis/kaito.sh/v1beta1/namespaces/default/inferencesets";

    [Fact]
    public async Task A_watch_from_a_list_resource_version_sees_added_modified_deleted_then_a_bookmark()
    {
        await using var harness = await ApiServerHarness.StartAsync(new KubernetesApiServerDoubleOptions { BookmarkInterval = TimeSpan.FromHours(1) });
        var objects = harness.Client.CustomObjects;
        var list = ApiServerHarness.Json(await objects.ListNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural));
        var from = list["metadata"]!["resourceVersion"]!.GetValue<string>();
        await objects.CreateNamespacedCustomObjectAsync(New("phi"), Group, V1beta1, "default", Plural);
        harness.Api.Store.Update(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi")!.Also(o => o["spec"]!["replicas"] = 2));
        await objects.DeleteNamespacedCustomObjectAsync(Group, V1beta1, "default", Plural, "phi");

        var events = await CollectAsync(
            objects.ListNamespacedCustomObjectWithHttpMessagesAsync(Group, V1beta1, "default", Plural, allowWatchBookmarks: true, resourceVersion: from, watch: true),
            count: 4,
            afterEach: seen => { if (seen == 3) harness.Api.Store.SendBookmarks(); });

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted, WatchEventType.Bookmark], events.Select(e => e.Type));
        Assert.Equal(2, Replicas(events[1].Object));
        var versions = events.Select(e => long.Parse(InferenceSets.ResourceVersion(e.Object))).ToArray();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(harness.Api.Store.ResourceVersion, versions[^1]);
        Assert.Equal(["apiVersion", "kind", "metadata"], events[3].Object.Select(p => p.Key).Order());
    }

    [Fact]
    public async Task A_watch_without_resource_version_starts_with_synthetic_added_events()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("a"));
        harness.Api.Store.Create(New("b"));

        var watch = harness.Client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(Group, V1beta1, "default", Plural, watch: true);
        var events = await CollectAsync(watch, count: 3, afterEach: seen => { if (seen == 1) harness.Api.Store.Create(New("c")); });

        Assert.All(events, e => Assert.Equal(WatchEventType.Added, e.Type));
        Assert.Equal(["a", "b", "c"], events.Select(e => e.Object["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_watch_replays_only_what_happened_after_its_resource_version()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var first = harness.Api.Store.Create(New("a"));
        harness.Api.Store.Create(New("b"));
        harness.Api.Store.Delete(ApiVersion, "InferenceSet", "default", "a");

        using var watch = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&resourceVersion={InferenceSets.ResourceVersion(first)}");
        var events = await watch.TakeAsync(2);

        Assert.Equal(["ADDED b", "DELETED a"], events.Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}"));
    }

    [Fact]
    public async Task A_watch_from_a_compacted_resource_version_gets_410_Expired_in_the_stream()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var old = harness.Api.Store.Create(New("a"));
        harness.Api.Store.Create(New("b"));
        harness.Api.Faults.ExpireHistory();
        var errors = new List<Exception>();

        var events = await CollectAsync(
            harness.Client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(Group, V1beta1, "default", Plural, resourceVersion: InferenceSets.ResourceVersion(old), watch: true),
            count: 1,
            onError: errors.Add);

        Assert.Empty(events);
        var expired = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, expired.Status.Code);
        Assert.Equal("Expired", expired.Status.Reason);
    }

    [Fact]
    public async Task The_event_history_is_bounded_by_its_capacity()
    {
        await using var harness = await ApiServerHarness.StartAsync(new KubernetesApiServerDoubleOptions { EventHistoryCapacity = 3 });
        var first = harness.Api.Store.Create(New("a"));
        for (var i = 0; i < 4; i++)
        {
            harness.Api.Store.Create(New($"n{i}"));
        }

        using var tooOld = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&resourceVersion={InferenceSets.ResourceVersion(first)}");
        var error = await tooOld.NextAsync();
        var end = await tooOld.NextAsync();
        var recent = harness.Api.Store.ResourceVersion - 2;
        using var stillThere = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&resourceVersion={recent}");
        var replayed = await stillThere.TakeAsync(2);

        Assert.Equal(200, tooOld.StatusCode);
        Assert.Equal("ERROR", error!["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
        Assert.Null(end);
        Assert.Equal(["n2", "n3"], replayed.Select(e => e["object"]!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bookmarks_arrive_periodically_only_when_allowed()
    {
        await using var harness = await ApiServerHarness.StartAsync(new KubernetesApiServerDoubleOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        var current = harness.Api.Store.ResourceVersion;

        using var allowed = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&allowWatchBookmarks=true&resourceVersion={current}&timeoutSeconds=1");
        using var notAllowed = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&resourceVersion={current}&timeoutSeconds=1");
        var bookmarks = await allowed.TakeAsync(2);
        var none = await notAllowed.NextAsync();

        Assert.All(bookmarks, b => Assert.Equal("BOOKMARK", b["type"]!.GetValue<string>()));
        Assert.Equal(current.ToString(), bookmarks[0]["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("InferenceSet", bookmarks[0]["object"]!["kind"]!.GetValue<string>());
        Assert.Null(none);
    }

    [Fact]
    public async Task A_selector_watch_reports_objects_entering_and_leaving_the_selection()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var store = harness.Api.Store;
        var from = store.ResourceVersion;
        store.Create(New("gold", labels: new Dictionary<string, string> { ["tier"] = "gold" }));
        store.Create(New("plain"));
        store.Update(store.Get(ApiVersion, "InferenceSet", "default", "plain")!.Also(o => o["metadata"]!["labels"] = new JsonObject { ["tier"] = "gold" }));
        store.Update(store.Get(ApiVersion, "InferenceSet", "default", "gold")!.Also(o => o["metadata"]!["labels"] = new JsonObject { ["tier"] = "lead" }));
        store.Update(store.Get(ApiVersion, "InferenceSet", "default", "plain")!.Also(o => o["spec"]!["replicas"] = 3));

        using var watch = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&labelSelector=tier%3Dgold&resourceVersion={from}");
        var events = await watch.TakeAsync(4);

        Assert.Equal(
            ["ADDED gold", "ADDED plain", "DELETED gold", "MODIFIED plain"],
            events.Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}"));
        Assert.Equal("gold", events[2]["object"]!["metadata"]!["labels"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_namespaced_watch_sees_its_namespace_and_a_cluster_watch_sees_all()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var from = harness.Api.Store.ResourceVersion;
        harness.Api.Store.Create(New("elsewhere", @namespace: "other"));
        harness.Api.Store.Create(New("here"));

        using var namespaced = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=1&resourceVersion={from}");
        using var everywhere = await RawWatch.OpenAsync(harness.Http, $"/apis/kaito.sh/v1beta1/inferencesets?watch=1&resourceVersion={from}");

        Assert.Equal("here", (await namespaced.NextAsync())!["object"]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(["elsewhere", "here"], (await everywhere.TakeAsync(2)).Select(e => e["object"]!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream_cleanly()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var started = DateTime.UtcNow;

        using var watch = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&resourceVersion={harness.Api.Store.ResourceVersion}&timeoutSeconds=1");
        var end = await watch.NextAsync(TimeSpan.FromSeconds(5));

        Assert.Null(end);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Dropping_watches_aborts_the_streams_without_a_clean_end()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("a"));
        using var raw = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true");
        Assert.NotNull(await raw.NextAsync());
        var clientEvents = new ConcurrentQueue<WatchEventType>();
        var clientWatch = Task.Run(async () =>
        {
            var stream = harness.Client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                Group, V1beta1, "default", Plural, cancellationToken: ApiServerHarness.Within());
            await foreach (var (type, _) in stream)
            {
                clientEvents.Enqueue(type);
            }
        });
        await Eventually.True(() => !clientEvents.IsEmpty, TimeSpan.FromSeconds(10), "the client watch's first event");

        var dropped = harness.Api.Faults.DropWatches();
        var rawEnd = await Record.ExceptionAsync(() => raw.NextAsync());
        var clientEnd = await Record.ExceptionAsync(() => clientWatch.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(2, dropped);
        Assert.IsAssignableFrom<IOException>(rawEnd);
        Assert.IsAssignableFrom<IOException>(clientEnd);
        Assert.Equal([WatchEventType.Added], clientEvents);
        Assert.Equal(0, harness.Api.Faults.DropWatches());
    }

    [Fact]
    public async Task A_watch_list_sends_initial_events_then_an_annotated_bookmark()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        harness.Api.Store.Create(New("a"));

        using var watch = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        var events = await watch.TakeAsync(2);

        Assert.Equal("ADDED", events[0]["type"]!.GetValue<string>());
        Assert.Equal("BOOKMARK", events[1]["type"]!.GetValue<string>());
        Assert.Equal("true", events[1]["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Fact]
    public async Task Disposing_the_server_ends_open_watches_cleanly()
    {
        var harness = await ApiServerHarness.StartAsync();
        using var watch = await RawWatch.OpenAsync(harness.Http, $"{Collection}?watch=true&resourceVersion={harness.Api.Store.ResourceVersion}");

        var disposing = harness.DisposeAsync().AsTask();
        var end = await watch.NextAsync();
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(end);
    }

    /// <summary>Reads a KubernetesClient watch until <paramref name="count"/> events or the stream ends, bounded in time.</summary>
    private static async Task<List<(WatchEventType Type, JsonObject Object)>> CollectAsync(
        Task<HttpOperationResponse<object>> watch, int count, Action<Exception>? onError = null, Action<int>? afterEach = null)
    {
        var events = new List<(WatchEventType, JsonObject)>();
#pragma warning disable CS0618 // Deliberately the list-with-watch=true path that existing consumers use; WatchList* is covered below.
        var stream = watch.WatchAsync<JsonElement, object>(onError, ApiServerHarness.Within());
#pragma warning restore CS0618
        await foreach (var (type, obj) in stream)
        {
            events.Add((type, JsonNode.Parse(obj.GetRawText())!.AsObject()));
            afterEach?.Invoke(events.Count);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
