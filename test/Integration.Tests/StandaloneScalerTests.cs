using Grpc.Core;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// The whole standalone scaler over real gRPC: a silo scraping real Kestrel endpoints on 127.0.0.1 that serve
/// vLLM exposition text, reading InferenceSets from an inventory file it reloads.
/// </summary>
public sealed class StandaloneScalerTests : IAsyncLifetime
{
    private readonly List<VllmEndpoint> _replicas = [];
    private ScalerHost _host = null!;

    private static Dictionary<string, string> Sum(double threshold = 10) => new()
    {
        ["inferenceSetName"] = "phi-4",
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["scalerAddress"] = "keda-kaito-scaler-svc.keda.svc.cluster.local:10450",
    };

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _replicas.Add(await VllmEndpoint.StartAsync());
        }

        _host = await ScalerHost.StartAsync(Inventories.Of("phi-4", ready: true, _replicas, 3, 3));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private static void Down(VllmEndpoint replica) =>
        replica.Respond = c => { c.Response.StatusCode = 503; return Task.CompletedTask; };

    private Task<(StatusCode Status, double Value, string Detail)> Until(Dictionary<string, string> metadata, Func<(StatusCode Status, double Value, string Detail), bool> done) =>
        Eventually.Get(() => _host.TryGetMetricAsync(metadata), done, what: "GetMetrics");

    [Fact]
    public async Task Sums_the_queue_across_three_replicas()
    {
        _replicas[0].Metrics.Waiting = 4;
        _replicas[1].Metrics.Waiting = 6;
        _replicas[2].Metrics.Waiting = 8;

        var result = await Until(Sum(), r => r is { Status: StatusCode.OK, Value: 18 });

        Assert.Equal(18, result.Value);
    }

    [Fact]
    public async Task A_down_replica_counts_as_threshold_when_scaling_down()
    {
        _replicas[0].Metrics.Waiting = 2;
        _replicas[1].Metrics.Waiting = 4;
        Down(_replicas[2]);

        // avg of the two that answer is 3 < 10: the down one is assumed at target, 2 + 4 + 10.
        var result = await Until(Sum(threshold: 10), r => r is { Status: StatusCode.OK, Value: 16 });

        Assert.Equal(16, result.Value);
    }

    [Fact]
    public async Task A_down_replica_counts_as_zero_when_scaling_up()
    {
        _replicas[0].Metrics.Waiting = 30;
        _replicas[1].Metrics.Waiting = 20;
        Down(_replicas[2]);

        var result = await Until(Sum(threshold: 10), r => r is { Status: StatusCode.OK, Value: 50 });

        Assert.Equal(50, result.Value);
    }

    [Fact]
    public async Task A_cold_target_is_unavailable_then_answers_once_scraped()
    {
        _replicas[0].Metrics.Waiting = 1;

        var first = await _host.TryGetMetricAsync(Sum());
        var later = await Until(Sum(), r => r.Status == StatusCode.OK);

        Assert.Equal(StatusCode.Unavailable, first.Status);
        Assert.Contains("cold", first.Detail, StringComparison.Ordinal);
        Assert.Equal(1, later.Value);
    }

    [Fact]
    public async Task Every_replica_down_is_unavailable_and_a_recovered_one_brings_the_value_back()
    {
        foreach (var replica in _replicas)
        {
            Down(replica);
        }

        var down = await Until(Sum(), r => r.Status == StatusCode.Unavailable && r.Detail.Contains("no endpoint", StringComparison.Ordinal));
        _replicas[1].Respond = null;
        _replicas[1].Metrics.Waiting = 25;
        var recovered = await Until(Sum(), r => r.Status == StatusCode.OK);

        Assert.Contains("503", down.Detail, StringComparison.Ordinal);
        // One answers with 25 ≥ threshold 10, so the two still down count as 0.
        Assert.Equal(25, recovered.Value);
    }

    [Fact]
    public async Task A_replica_added_to_the_inventory_is_scraped_without_a_restart()
    {
        foreach (var replica in _replicas)
        {
            replica.Metrics.Waiting = 1;
        }

        await Until(Sum(), r => r is { Status: StatusCode.OK, Value: 3 });
        await using var fourth = await VllmEndpoint.StartAsync();
        fourth.Metrics.Waiting = 10;
        await _host.WriteInventoryAsync(Inventories.Of("phi-4", ready: true, [.. _replicas, fourth], 4, 4));

        var result = await Until(Sum(), r => r is { Status: StatusCode.OK, Value: 13 });

        Assert.Equal(13, result.Value);
    }

    [Fact]
    public async Task An_InferenceSet_removed_from_the_inventory_stops_being_scraped_and_is_not_found()
    {
        await Until(Sum(), r => r.Status == StatusCode.OK);
        await _host.WriteInventoryAsync(Inventories.Empty);

        var gone = await Until(Sum(), r => r.Status == StatusCode.NotFound);
        var scrapesAfterRemoval = _replicas.Sum(r => r.Scrapes);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Contains("default/phi-4", gone.Detail, StringComparison.Ordinal);
        Assert.Equal(scrapesAfterRemoval, _replicas.Sum(r => r.Scrapes));
    }

    [Fact]
    public async Task IsActive_follows_the_ready_condition_in_the_inventory()
    {
        var active = await _host.Client.IsActiveAsync(ScalerHost.Ref(Sum()));
        await _host.WriteInventoryAsync(Inventories.Of("phi-4", ready: false, _replicas));
        var inactive = await Eventually.Get(
            async () => (await _host.Client.IsActiveAsync(ScalerHost.Ref(Sum()))).Result,
            result => !result,
            what: "IsActive false");

        Assert.True(active.Result);
        Assert.False(inactive);
    }

    [Fact]
    public async Task StreamIsActive_pushes_the_state_at_once_and_every_change()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = _host.Client.StreamIsActive(ScalerHost.Ref(Sum()), cancellationToken: cancel.Token);

        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        Assert.True(call.ResponseStream.Current.Result);

        await _host.WriteInventoryAsync(Inventories.Of("phi-4", ready: false, _replicas));
        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        Assert.False(call.ResponseStream.Current.Result);
    }

    [Fact]
    public async Task An_unknown_InferenceSet_is_not_found_by_name()
    {
        var metadata = Sum();
        metadata["inferenceSetName"] = "llama";

        var error = await Assert.ThrowsAsync<RpcException>(() => _host.Client.IsActiveAsync(ScalerHost.Ref(metadata)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("default/llama", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_metadata_is_invalid_argument_naming_the_key_over_real_grpc()
    {
        var metadata = Sum();
        metadata["metricPort"] = "eighty";

        var error = await Assert.ThrowsAsync<RpcException>(() => _host.GetMetricAsync(metadata));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("metricPort", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetricSpec_returns_the_threshold_as_a_float_target()
    {
        var spec = await _host.Client.GetMetricSpecAsync(ScalerHost.Ref(Sum(threshold: 2.5)));

        var metric = Assert.Single(spec.MetricSpecs);
        Assert.Equal("vllm:num_requests_waiting", metric.MetricName);
        Assert.Equal(2.5, metric.TargetSizeFloat);
        Assert.Equal(0, metric.TargetSize);
    }

    [Fact]
    public async Task The_gate_reads_ready_replicas_from_the_inventory()
    {
        var gate = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "readiness_gate",
            ["aggregation"] = "gate",
        };

        var open = await _host.GetMetricAsync(gate);
        await _host.WriteInventoryAsync(Inventories.Of("phi-4", ready: true, _replicas, replicaCount: 4, readyReplicas: 3));
        var closed = await Eventually.Get(() => _host.GetMetricAsync(gate), v => v == 0, what: "gate closed");

        Assert.Equal(1, open);
        Assert.Equal(0, closed);
    }

    [Fact]
    public async Task Windowed_average_reports_the_mean_time_to_first_token_over_the_window()
    {
        var ttft = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "vllm:time_to_first_token_seconds",
            ["aggregation"] = "windowed-avg",
            ["metricCacheWindow"] = "2",
            ["threshold"] = "0.5",
        };

        var warming = await _host.TryGetMetricAsync(ttft);
        _replicas[0].Metrics.ObserveTimeToFirstToken(0.5, 10);
        _replicas[0].Metrics.ObserveTimeToFirstTokenSteadily(0.2, 10);
        _replicas[1].Metrics.ObserveTimeToFirstTokenSteadily(0.2, 10);

        // While the window reaches back past the ten 0.5 s requests the mean is above 0.2; once its oldest sample is
        // after them, it holds only the steady 0.2 s requests, however late the test looks. A cumulative average would
        // stay above 0.2 for ever, so reading 0.2 shows the window let the old requests go.
        var result = await Until(ttft, r => r.Status == StatusCode.OK && Math.Abs(r.Value - 0.2) < 1e-6);

        Assert.Equal(StatusCode.Unavailable, warming.Status);
        Assert.Equal(0.2, result.Value, 6);
    }

    [Fact]
    public async Task A_negative_total_reaches_KEDA_as_zero()
    {
        _replicas[0].Metrics.Waiting = -9;
        _replicas[1].Metrics.Waiting = 1;
        _replicas[2].Metrics.Waiting = 1;

        var result = await Until(Sum(), r => r.Status == StatusCode.OK);

        Assert.Equal(0, result.Value);
    }

    [Fact]
    public async Task The_health_port_and_the_HTTP_probes_report_live_and_ready_once_started()
    {
        await using var replica = await VllmEndpoint.StartAsync();
        await using var host = await ScalerHost.StartAsync(Inventories.Of("phi-4", ready: true, [replica]));
        var health = new Grpc.Health.V1.Health.HealthClient(host.HealthChannel);

        var readiness = await OrleansKaitoScaler.TestSupport.Eventually.Get(
            async () => (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "readiness" })).Status,
            s => s == Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving,
            what: "ready");
        var liveness = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "liveness" });
        var readyz = await host.Http.GetStringAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, liveness.Status);
        Assert.StartsWith("Healthy", readyz, StringComparison.Ordinal);
        Assert.Contains("silo: Healthy", readyz, StringComparison.Ordinal);
        Assert.Contains("inventory: Healthy", readyz, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await host.Http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }
}
