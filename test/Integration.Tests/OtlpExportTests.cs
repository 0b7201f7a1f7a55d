using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

public sealed class OtlpExportTests
{
    [Fact]
    public async Task Traces_are_exported_over_OTLP_when_an_endpoint_is_configured()
    {
        // A minimal OTLP/HTTP receiver on loopback: it records which signal paths were posted and how many bytes.
        var received = new ConcurrentQueue<(string Path, long Bytes)>();
        var (receiver, otlp) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.Path, body.Length));
            return Results.Ok();
        }));
        await using var _ = receiver;

        await using var replica = await VllmEndpoint.StartAsync();
        await using var host = await ScalerHost.StartAsync(
            Inventories.Of("phi-4", ready: true, [replica]), null, "--otlp-endpoint", otlp.ToString(), "--otlp-protocol", "http/protobuf");
        var metadata = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "vllm:num_requests_waiting",
            ["threshold"] = "1",
        };
        await Eventually.Get(() => host.TryGetMetricAsync(metadata), r => r.Status == StatusCode.OK, what: "value");

        // The batch exporter sends every 5 s.
        await Eventually.True(() => received.Any(r => r.Path == "/v1/traces" && r.Bytes > 0), TimeSpan.FromSeconds(20), "OTLP traces");
    }
}
