using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>The scaler in Kubernetes mode against the wire-level API double and real simulated vLLM replicas.</summary>
public sealed class KubernetesModeTests
{
    private static readonly Dictionary<string, string> Sum = new()
    {
        ["inferenceSetName"] = "phi-4",
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = "10",
    };

    private static Task<(StatusCode Status, double Value, string Detail)> Until(ScalerHost scaler, Func<(StatusCode Status, double Value, string Detail), bool> done, string what, IDictionary<string, string>? metadata = null) =>
        Eventually.Get(() => scaler.TryGetMetricAsync(metadata ?? Sum), done, TimeSpan.FromSeconds(20), what);

    private static async Task<KaitoCluster> ThreeReplicasAsync()
    {
        var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4", ready: true, replicas: 3);
        await cluster.WorkspaceAsync("phi-4", "phi-4-0", waiting: 1);
        await cluster.WorkspaceAsync("phi-4", "phi-4-1", waiting: 2);
        await cluster.WorkspaceAsync("phi-4", "phi-4-2", waiting: 3);
        return cluster;
    }

    [Fact]
    public async Task An_InferenceSet_with_three_Workspaces_is_scraped_through_their_Services()
    {
        await using var cluster = await ThreeReplicasAsync();
        var scaler = await cluster.StartScalerAsync();

        var value = await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 6, "the sum over three replicas");
        var active = await scaler.Client.IsActiveAsync(ScalerHost.Ref(Sum));

        Assert.Equal(6, value.Value);
        Assert.True(active.Result);
        Assert.Equal(
            ["phi-4-0.default.svc.cluster.local", "phi-4-1.default.svc.cluster.local", "phi-4-2.default.svc.cluster.local"],
            cluster.Dns.Connections.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_fourth_Workspace_is_scraped_once_its_watch_event_arrives()
    {
        await using var cluster = await ThreeReplicasAsync();
        var scaler = await cluster.StartScalerAsync();
        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 6, "three replicas");
        var lists = cluster.Requests("list");

        await cluster.WorkspaceAsync("phi-4", "phi-4-3", waiting: 4);

        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 10, "four replicas");
        Assert.Equal(lists, cluster.Requests("list"));
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_its_resourceVersion_and_keeps_no_stale_endpoint()
    {
        await using var cluster = await ThreeReplicasAsync();
        var scaler = await cluster.StartScalerAsync();
        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 6, "three replicas");
        var lists = cluster.Requests("list");
        var watches = cluster.Requests("watch", "workspaces");

        Assert.True(cluster.Api.Faults.DropWatches() >= 2, "both informers had a watch open");
        cluster.DeleteWorkspace("phi-4-1");

        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 4, "the deleted replica gone");
        Assert.True(cluster.Requests("watch", "workspaces") > watches, "the Workspace watch was opened again");
        Assert.Equal(lists, cluster.Requests("list"));
    }

    [Fact]
    public async Task A_watch_resumes_from_the_newest_bookmark_not_from_where_its_own_kind_last_changed()
    {
        await using var cluster = await ThreeReplicasAsync();
        var scaler = await cluster.StartScalerAsync();
        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 6, "three replicas");

        // Other kinds move the cluster's resourceVersion on; only a bookmark tells the Workspace watch about it.
        for (var i = 0; i < 5; i++)
        {
            cluster.Api.Store.Create(new System.Text.Json.Nodes.JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = $"unrelated-{i}", ["namespace"] = "default" },
            });
        }

        var bookmarked = cluster.Api.Store.ResourceVersion;
        cluster.Api.Store.SendBookmarks();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        cluster.Api.Requests.Clear();
        cluster.Api.Faults.DropWatches();

        var resumed = await cluster.Api.Requests.WaitForAsync(r => r.Request.Verb == "watch" && r.Request.Resource == "workspaces", TimeSpan.FromSeconds(10));

        var query = System.Web.HttpUtility.ParseQueryString(resumed.Request.Query);
        Assert.True(long.Parse(query["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture) >= bookmarked, resumed.Request.Query);
        Assert.Equal("true", query["allowWatchBookmarks"]);
        Assert.Equal(0, cluster.Requests("list"));
    }

    [Fact]
    public async Task An_expired_resourceVersion_leads_to_a_fresh_list_that_drops_what_was_deleted_meanwhile()
    {
        await using var cluster = await ThreeReplicasAsync();
        var scaler = await cluster.StartScalerAsync();
        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 6, "three replicas");
        var workspaceLists = cluster.Requests("list", "workspaces");

        // The deletion happens while no watch is open, and the history that would replay it is compacted away.
        using (cluster.Api.Faults.AddLatency(TimeSpan.FromMilliseconds(500), r => r.Verb == "watch"))
        {
            cluster.Api.Faults.DropWatches();
            cluster.DeleteWorkspace("phi-4-2");
            cluster.Api.Faults.ExpireHistory();
            await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 3, "the deleted replica gone after a re-list");
        }

        Assert.True(cluster.Requests("list", "workspaces") > workspaceLists, "the Workspaces were listed again after 410");
    }

    [Fact]
    public async Task Deleting_the_InferenceSet_stops_its_scraping_on_the_watch_event()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");
        var replica = await cluster.WorkspaceAsync("phi-4", "phi-4-0", waiting: 2);
        var scaler = await cluster.StartScalerAsync(TimeSpan.FromMilliseconds(100), "--Scrape:TargetTtl", "01:00:00");
        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 2, "first value");

        cluster.DeleteInferenceSet("phi-4");

        var gone = await Until(scaler, r => r.Status == StatusCode.NotFound, "NotFound after deletion");
        var scrapes = replica.Scrapes;
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.Contains("default/phi-4", gone.Detail, StringComparison.Ordinal);
        Assert.InRange(replica.Scrapes, scrapes, scrapes + 1);
    }

    [Fact]
    public async Task A_hundred_scrape_rounds_make_no_API_request()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4", replicas: 3);
        VllmEndpoint[] replicas =
        [
            await cluster.WorkspaceAsync("phi-4", "phi-4-0", waiting: 1),
            await cluster.WorkspaceAsync("phi-4", "phi-4-1", waiting: 2),
            await cluster.WorkspaceAsync("phi-4", "phi-4-2", waiting: 3),
        ];
        var scaler = await cluster.StartScalerAsync(TimeSpan.FromMilliseconds(50));
        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 6, "three replicas");
        cluster.Api.Requests.Clear();
        var start = replicas.Select(r => r.Scrapes).ToArray();

        // Every replica is scraped once per round: 100 rounds means 100 more scrapes of the least-scraped replica.
        await Eventually.True(
            () => replicas.Select((r, i) => r.Scrapes - start[i]).Min() >= 100, TimeSpan.FromSeconds(30), "100 scrape rounds");
        await scaler.GetMetricAsync(Sum);
        await scaler.Client.IsActiveAsync(ScalerHost.Ref(Sum));

        // The only traffic is the provisioner's Lease and Orleans' membership table (a ConfigMap): neither is scraping.
        Assert.DoesNotContain(cluster.Api.Requests.Snapshot(), r => r.Request.Resource is not ("leases" or "configmaps"));
    }

    [Fact]
    public async Task Two_scalers_form_one_Orleans_cluster_through_the_membership_ConfigMap_and_scrape_each_InferenceSet_once()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");
        var replica = await cluster.WorkspaceAsync("phi-4", "phi-4-0", waiting: 5);
        var interval = TimeSpan.FromMilliseconds(200);
        var first = await cluster.StartScalerAsync(interval);
        await using var second = await cluster.StartAnotherScalerAsync(interval);

        var management = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await Eventually.Get(async () => (await management.GetHosts(onlyActive: true)).Count, n => n == 2, TimeSpan.FromSeconds(30), "two active silos");
        await Until(first, r => r.Status == StatusCode.OK && r.Value == 5, "a value through the first scaler");
        await Until(second, r => r.Status == StatusCode.OK && r.Value == 5, "a value through the second scaler");

        // One grain in the whole cluster owns the InferenceSet: its replica is scraped once per interval, not once per process.
        var before = replica.Scrapes;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.InRange(replica.Scrapes - before, 5, 14);
        Assert.NotNull(cluster.Api.Store.Get("v1", "ConfigMap", "default", "orleans-membership-orleans-kaito-scaler"));
    }

    [Fact]
    public async Task IsActive_and_the_gate_follow_the_InferenceSet_status_from_the_watch()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4", ready: true, replicas: 2, readyReplicas: 2);
        await cluster.WorkspaceAsync("phi-4", "phi-4-0");
        var scaler = await cluster.StartScalerAsync();
        var gate = new Dictionary<string, string>(Sum) { ["aggregation"] = "gate", ["metricName"] = "readiness_gate" };
        gate.Remove("threshold");
        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 1, "gate open", gate);
        Assert.True((await scaler.Client.IsActiveAsync(ScalerHost.Ref(Sum))).Result);

        cluster.InferenceSet("phi-4", ready: false, replicas: 3, readyReplicas: 2);

        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 0, "gate closed", gate);
        await Eventually.Get(
            async () => (await scaler.Client.IsActiveAsync(ScalerHost.Ref(Sum))).Result, active => !active, what: "inactive");
    }

    [Fact]
    public async Task An_InferenceSet_that_does_not_exist_is_NotFound_naming_it()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        var scaler = await cluster.StartScalerAsync();
        var missing = new Dictionary<string, string>(Sum) { ["inferenceSetName"] = "nope", ["inferenceSetNamespace"] = "ml" };

        var error = await Eventually.Get(
            async () =>
            {
                try
                {
                    await scaler.Client.IsActiveAsync(ScalerHost.Ref(missing));
                    return null;
                }
                catch (RpcException e)
                {
                    return e;
                }
            },
            e => e?.StatusCode == StatusCode.NotFound,
            what: "NotFound");

        Assert.Contains("ml/nope", error!.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_the_first_list_completes_the_scaler_is_live_but_not_ready_and_calls_ask_KEDA_to_wait()
    {
        await using var cluster = await ThreeReplicasAsync();
        using var slowList = cluster.Api.Faults.AddLatency(TimeSpan.FromSeconds(3), r => r.Verb == "list" && r.Resource == "inferencesets");
        var scaler = await cluster.StartScalerAsync();
        var health = new Health.HealthClient(scaler.HealthChannel);

        var kedaService = await new Health.HealthClient(scaler.Channel).CheckAsync(new HealthCheckRequest { Service = "externalscaler.ExternalScaler" });
        var readiness = await health.CheckAsync(new HealthCheckRequest { Service = "readiness" });
        var liveness = await health.CheckAsync(new HealthCheckRequest { Service = "liveness" });
        var readyz = await scaler.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var healthz = await scaler.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        var call = await Assert.ThrowsAsync<RpcException>(async () => await scaler.Client.IsActiveAsync(ScalerHost.Ref(Sum)));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, kedaService.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, readiness.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, liveness.Status);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Contains("inventory: Unhealthy", await readyz.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(StatusCode.Unavailable, call.StatusCode);
        Assert.Contains("first list", call.Status.Detail, StringComparison.Ordinal);
        await Eventually.Get(
            async () => (await health.CheckAsync(new HealthCheckRequest { Service = "readiness" })).Status,
            s => s == HealthCheckResponse.Types.ServingStatus.Serving,
            TimeSpan.FromSeconds(20),
            "ready after the list");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await scaler.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        Assert.True((await scaler.Client.IsActiveAsync(ScalerHost.Ref(Sum))).Result);
    }

    [Fact]
    public async Task Failing_list_requests_are_retried_until_the_API_answers()
    {
        await using var cluster = await ThreeReplicasAsync();
        cluster.Api.Faults.FailNext(3, 500, r => r.Verb == "list" && r.Resource == "workspaces");
        cluster.Api.Faults.FailNext(2, 429, r => r.Verb == "list" && r.Resource == "inferencesets", TimeSpan.FromMilliseconds(10));
        var scaler = await cluster.StartScalerAsync();

        await Until(scaler, r => r.Status == StatusCode.OK && r.Value == 6, "three replicas after retries");
        Assert.True(cluster.Requests("list", "workspaces") >= 4);
    }

    [Fact]
    public async Task Start_up_fails_naming_the_ScaledObject_API_when_KEDA_is_not_installed()
    {
        await using var cluster = await KaitoCluster.StartAsync(crds: file => file.StartsWith("kaito.sh", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<KubernetesStartupException>(() => cluster.StartScalerAsync());

        Assert.Contains("ScaledObject (keda.sh/v1alpha1)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("InferenceSet (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_fails_naming_the_InferenceSet_API_when_KAITO_is_not_installed()
    {
        await using var cluster = await KaitoCluster.StartAsync(crds: file => file.StartsWith("keda.sh", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<KubernetesStartupException>(() => cluster.StartScalerAsync());

        Assert.Contains("InferenceSet (kaito.sh/v1beta1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_endpoints_are_verified_unless_self_signed_ones_are_trusted_explicitly()
    {
        await using var cluster = await KaitoCluster.StartAsync();
        cluster.InferenceSet("phi-4");
        using var certificate = SelfSignedCertificate.For("phi-4-0.default.svc.cluster.local");
        await using var replica = await VllmEndpoint.StartHttpsAsync(certificate);
        replica.Metrics.Waiting = 7;
        cluster.Dns.Map("phi-4-0.default.svc.cluster.local", replica.Port);
        cluster.Api.Store.Create(new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = KaitoCluster.KaitoApi,
            ["kind"] = "Workspace",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = "phi-4-0", ["namespace"] = "default",
                ["labels"] = new System.Text.Json.Nodes.JsonObject { [KaitoCluster.CreatedBy] = "phi-4" },
            },
        });
        var https = new Dictionary<string, string>(Sum) { ["metricProtocol"] = "https", ["metricPort"] = "8443", ["aggregation"] = "service-avg" };

        var verifying = await cluster.StartScalerAsync();
        var refused = await Until(verifying, r => r.Status == StatusCode.Unavailable && r.Detail.Contains("phi-4-0", StringComparison.Ordinal), "a TLS failure", https);
        await verifying.DisposeAsync();
        var trusting = await cluster.StartScalerAsync(null, "--Scrape:AllowUntrustedCertificates", "true");
        var value = await Until(trusting, r => r.Status == StatusCode.OK, "a value over https", https);

        Assert.Equal(7, value.Value);
        Assert.Contains("phi-4-0", refused.Detail, StringComparison.Ordinal);
    }
}
