using Grpc.Core;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.GrpcGateway.Tests.Fakes;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Gateway;

/// <summary>Bad trigger metadata is the user's to fix: every method says InvalidArgument and names the key, never Internal.</summary>
[Collection(SharedGateway.Name)]
public sealed class MetadataRejectionTests(GatewayHost host)
{
    public static TheoryData<string, string, string?> Cases()
    {
        string?[][] bad =
        [
            [MetadataKeys.InferenceSetName, null],
            [MetadataKeys.InferenceSetNamespace, " "],
            [MetadataKeys.MetricName, ""],
            [MetadataKeys.Threshold, "ten"],
            [MetadataKeys.MetricProtocol, "grpc"],
            [MetadataKeys.MetricPort, "70000"],
            [MetadataKeys.MetricPath, "metrics"],
            [MetadataKeys.ScrapeTimeout, "3"],
            [MetadataKeys.MetricSource, "prometheus"],
            [MetadataKeys.Aggregation, "median"],
            [MetadataKeys.MetricCacheWindow, "5m"],
        ];
        var data = new TheoryData<string, string, string?>();
        foreach (var method in new[] { "GetMetricSpec", "GetMetrics", "IsActive", "StreamIsActive" })
        {
            foreach (var pair in bad)
            {
                data.Add(method, pair[0]!, pair[1]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_method_rejects_bad_metadata_with_InvalidArgument_naming_the_key(string method, string key, string? value)
    {
        var set = FakeInferenceSets.Existing();
        var reference = GatewayHost.Ref(set.Metadata((key, value)));

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(method, reference));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"'{key}'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(set.Calls);
    }

    [Theory]
    [InlineData("GetMetricSpec")]
    [InlineData("GetMetrics")]
    [InlineData("IsActive")]
    [InlineData("StreamIsActive")]
    public async Task A_request_without_any_metadata_is_InvalidArgument_naming_the_first_required_key(string method)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(method, GatewayHost.Ref(null)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"'{MetadataKeys.InferenceSetName}'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_without_a_ScaledObjectRef_is_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => host.Client.GetMetricsAsync(new GetMetricsRequest { MetricName = "x" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private async Task CallAsync(string method, ScaledObjectRef reference)
    {
        var client = host.Client;
        switch (method)
        {
            case "GetMetricSpec":
                await client.GetMetricSpecAsync(reference);
                break;
            case "GetMetrics":
                await client.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = reference });
                break;
            case "IsActive":
                await client.IsActiveAsync(reference);
                break;
            case "StreamIsActive":
                using (var call = client.StreamIsActive(reference))
                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                {
                    await call.ResponseStream.MoveNext(timeout.Token);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }
    }
}
