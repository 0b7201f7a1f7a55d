using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.GrpcGateway.Tests.Fakes;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Gateway;

[Collection(SharedGateway.Name)]
public sealed class ExternalScalerServiceTests(GatewayHost host)
{
    private readonly ExternalScaler.ExternalScalerClient _client = host.Client;

    [Fact]
    public async Task GetMetricSpec_returns_the_metadata_metric_name_with_the_threshold_as_a_float_target()
    {
        var set = FakeInferenceSets.Existing();

        var reply = await _client.GetMetricSpecAsync(GatewayHost.Ref(set.Metadata((MetadataKeys.Threshold, "0.5"))));

        var spec = Assert.Single(reply.MetricSpecs);
        Assert.Equal(FakeInferenceSet.MetricName, spec.MetricName);
        Assert.Equal(0.5, spec.TargetSizeFloat);
        Assert.Equal(0, spec.TargetSize);
    }

    [Fact]
    public async Task GetMetricSpec_uses_the_default_threshold_of_1_for_a_gate_trigger()
    {
        var set = FakeInferenceSets.Existing();

        var reply = await _client.GetMetricSpecAsync(GatewayHost.Ref(set.Metadata((MetadataKeys.Threshold, null), (MetadataKeys.Aggregation, "gate"))));

        Assert.Equal(1, Assert.Single(reply.MetricSpecs).TargetSizeFloat);
    }

    [Fact]
    public async Task GetMetricSpec_never_asks_the_grain_so_it_answers_even_for_a_missing_InferenceSet()
    {
        var set = FakeInferenceSets.Missing();

        var reply = await _client.GetMetricSpecAsync(GatewayHost.Ref(set.Metadata()));

        Assert.Single(reply.MetricSpecs);
        Assert.Empty(set.Calls);
    }

    [Fact]
    public async Task GetMetrics_returns_the_grains_value_as_a_float_and_leaves_the_deprecated_integer_at_0()
    {
        var set = FakeInferenceSets.Existing();
        set.Metric = _ => MetricAnswer.Of(7.5);

        var reply = await _client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = GatewayHost.Ref(set.Metadata()) });

        var value = Assert.Single(reply.MetricValues);
        Assert.Equal(FakeInferenceSet.MetricName, value.MetricName);
        Assert.Equal(7.5, value.MetricValueFloat);
        Assert.Equal(0, value.MetricValue_);
    }

    [Fact]
    public async Task GetMetrics_asks_the_named_InferenceSets_grain_with_the_parsed_query()
    {
        var set = FakeInferenceSets.Existing();
        var metadata = set.Metadata(
            (MetadataKeys.Threshold, "2.5"),
            (MetadataKeys.MetricProtocol, "https"),
            (MetadataKeys.MetricPort, "8000"),
            (MetadataKeys.MetricPath, "/v1/metrics"),
            (MetadataKeys.ScrapeTimeout, "1m30s"),
            (MetadataKeys.Aggregation, "windowed-avg"),
            (MetadataKeys.MetricCacheWindow, "120"));

        await _client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = GatewayHost.Ref(metadata) });

        var query = Assert.Single(set.Queries);
        Assert.Equal(
            new MetricQuery(
                new ScrapeProfile("modelpod", "https", 8000, "/v1/metrics", TimeSpan.FromSeconds(90)),
                FakeInferenceSet.MetricName,
                Aggregation.WindowedAverage,
                2.5,
                TimeSpan.FromSeconds(120)),
            query);
    }

    [Theory]
    [InlineData("", FakeInferenceSet.MetricName)]
    [InlineData("vllm:num_requests_running", "vllm:num_requests_running")]
    [InlineData("s0-vllm:num_requests_running", "vllm:num_requests_running")]
    [InlineData("s12-vllm:kv_cache_usage_perc", "vllm:kv_cache_usage_perc")]
    public async Task GetMetrics_uses_the_requests_metric_name_when_set_without_any_KEDA_trigger_prefix(string requested, string expected)
    {
        var set = FakeInferenceSets.Existing();

        var reply = await _client.GetMetricsAsync(new GetMetricsRequest { MetricName = requested, ScaledObjectRef = GatewayHost.Ref(set.Metadata()) });

        Assert.Equal(expected, Assert.Single(set.Queries).MetricName);
        Assert.Equal(expected, Assert.Single(reply.MetricValues).MetricName);
    }

    [Fact]
    public async Task GetMetrics_is_Unavailable_with_the_grains_reason_when_there_is_no_data_yet()
    {
        var set = FakeInferenceSets.Existing();
        set.Metric = _ => MetricAnswer.Unavailable("cold: no sample scraped yet");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = GatewayHost.Ref(set.Metadata()) }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("cold: no sample scraped yet", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(set.Key.ToString(), error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_is_NotFound_naming_the_InferenceSet_when_it_does_not_exist()
    {
        var set = FakeInferenceSets.Missing();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = GatewayHost.Ref(set.Metadata()) }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains(set.Key.ToString(), error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IsActive_answers_whether_the_InferenceSet_is_ready(bool ready)
    {
        var set = FakeInferenceSets.Existing();
        set.Activity = ActivityAnswer.Of(ready);

        var reply = await _client.IsActiveAsync(GatewayHost.Ref(set.Metadata()));

        Assert.Equal(ready, reply.Result);
        Assert.Equal(["GetActivity"], set.Calls);
    }

    [Fact]
    public async Task IsActive_is_NotFound_naming_the_InferenceSet_rather_than_false_when_it_does_not_exist()
    {
        var set = FakeInferenceSets.Missing();

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.IsActiveAsync(GatewayHost.Ref(set.Metadata())).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains(set.Key.ToString(), error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_grain_failure_is_Internal_with_a_short_message_and_the_details_go_to_the_log()
    {
        var set = FakeInferenceSets.Existing();
        set.Failure = new InvalidOperationException("secret internal detail");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = GatewayHost.Ref(set.Metadata()) }).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains(set.Key.ToString(), error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e =>
            e.Level == LogLevel.Error
            && e.EventId.Id == 3004
            && e.Message.Contains(set.Key.ToString(), StringComparison.Ordinal)
            && e.Exception is InvalidOperationException { Message: "secret internal detail" });
    }

    [Fact]
    public async Task A_call_that_meets_a_silo_handing_its_grains_over_is_sent_again_and_answers()
    {
        var set = FakeInferenceSets.Existing();
        var attempts = 0;
        set.Metric = _ => Interlocked.Increment(ref attempts) <= 2 ? throw new SiloUnavailableException("silo leaving") : MetricAnswer.Of(7.5);

        var reply = await _client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = GatewayHost.Ref(set.Metadata()) });

        Assert.Equal(7.5, Assert.Single(reply.MetricValues).MetricValueFloat);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_silo_that_stays_unreachable_after_the_retries_is_Unavailable()
    {
        var set = FakeInferenceSets.Existing();
        var attempts = 0;
        set.Metric = _ => Interlocked.Increment(ref attempts) > 0 ? throw new SiloUnavailableException("silo gone") : MetricAnswer.Of(1);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = GatewayHost.Ref(set.Metadata()) }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(HandOverRetry.Attempts, attempts);
    }

    [Fact]
    public async Task A_grain_call_that_times_out_is_Unavailable_so_the_HPA_holds_and_KEDA_retries()
    {
        var set = FakeInferenceSets.Existing();
        set.Failure = new TimeoutException("response did not arrive on time");

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.IsActiveAsync(GatewayHost.Ref(set.Metadata())).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains(set.Key.ToString(), error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamMetricSpec_is_Unimplemented_at_once_so_KEDA_falls_back_to_GetMetricSpec()
    {
        var set = FakeInferenceSets.Existing();
        using var call = _client.StreamMetricSpec(GatewayHost.Ref(set.Metadata()));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Empty(set.Calls);
    }

    [Theory]
    [InlineData("")]
    [InlineData(GatewayHostingExtensions.ServiceName)]
    [InlineData(GatewayHostingExtensions.LivenessService)]
    [InlineData(GatewayHostingExtensions.ReadinessService)]
    public async Task The_standard_gRPC_health_service_reports_serving(string service)
    {
        var health = new Health.HealthClient(host.Channel);

        var reply = await health.CheckAsync(new HealthCheckRequest { Service = service });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }
}
