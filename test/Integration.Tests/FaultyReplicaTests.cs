using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>A replica that answers badly is one failed endpoint: recorded, compensated, and the silo keeps answering.</summary>
public sealed class FaultyReplicaTests : IAsyncLifetime
{
    private readonly List<VllmEndpoint> _replicas = [];
    private ScalerHost _host = null!;

    internal static Dictionary<string, string> Sum() => new()
    {
        ["inferenceSetName"] = "phi-4",
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = "10",
        ["scrapeTimeout"] = "500ms",
    };

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            var replica = await VllmEndpoint.StartAsync();
            replica.Metrics.Waiting = 2;
            _replicas.Add(replica);
        }

        _host = await ScalerHost.StartAsync(Inventories.Of("phi-4", ready: true, _replicas), extraArgs: ["--Scrape:MaxResponseBytes", "1048576"]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    public static TheoryData<string> Faults() => ["garbage", "html", "huge", "endless", "slow"];

    internal static Func<HttpContext, Task> Fault(string kind) => kind switch
    {
        "garbage" => c => c.Response.Body.WriteAsync(Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251)).ToArray()).AsTask(),
        "html" => c => { c.Response.ContentType = "text/html"; return c.Response.WriteAsync("<html>502 Bad Gateway</html>"); },
        "huge" => async c =>
        {
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("vllm:num_requests_waiting{engine=\"0\"} 1.0\n", 1000)));
            try
            {
                for (var sent = 0; sent < 50 * 1024 * 1024; sent += chunk.Length)
                {
                    await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
        },
        "endless" => async c =>
        {
            try
            {
                while (true)
                {
                    await c.Response.WriteAsync("# more\n", c.RequestAborted);
                    await c.Response.Body.FlushAsync(c.RequestAborted);
                    await Task.Delay(20, c.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
        },
        _ => async c =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_faulty_replica_is_compensated_and_the_others_still_count(string kind)
    {
        _replicas[2].Respond = Fault(kind);

        // 2 + 2 answer (avg 2 < threshold 10), the faulty one counts as the threshold: 14.
        var result = await Eventually.Get(() => _host.TryGetMetricAsync(Sum()), r => r is { Status: StatusCode.OK, Value: 14 }, what: kind);
        var active = await _host.Client.IsActiveAsync(ScalerHost.Ref(Sum()));

        Assert.Equal(14, result.Value);
        Assert.True(active.Result);
    }
}
