using Grpc.Core;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

public sealed class HungReplicaTests
{
    [Fact]
    public async Task A_hung_replica_with_a_long_timeout_does_not_make_the_target_stale()
    {
        await using var ok1 = await VllmEndpoint.StartAsync();
        await using var ok2 = await VllmEndpoint.StartAsync();
        await using var hung = await VllmEndpoint.StartAsync();
        ok1.Metrics.Waiting = 2;
        ok2.Metrics.Waiting = 2;
        hung.Respond = FaultyReplicaTests.Fault("slow");
        await using var host = await ScalerHost.StartAsync(Inventories.Of("phi-4", ready: true, [ok1, ok2, hung]), TimeSpan.FromMilliseconds(500));
        var metadata = FaultyReplicaTests.Sum();
        metadata["scrapeTimeout"] = "30s";

        await Eventually.Get(() => host.TryGetMetricAsync(metadata), r => r is { Status: StatusCode.OK, Value: 14 }, what: "first value");
        var answers = new List<(StatusCode Status, double Value, string Detail)>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await host.TryGetMetricAsync(metadata));
            await Task.Delay(200);
        }

        // The hung replica is cut off at the capped timeout (the interval, at least 1 s) each round, so the
        // target keeps getting rounds and its answers stay fresh; with the 30 s timeout they would go stale.
        Assert.All(answers, a => Assert.Equal(StatusCode.OK, a.Status));
    }
}
