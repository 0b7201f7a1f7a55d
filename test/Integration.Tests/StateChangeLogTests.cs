using Grpc.Core;
using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

public sealed class StateChangeLogTests
{
    [Fact]
    public async Task A_trigger_logs_one_line_per_state_change_not_one_per_scrape()
    {
        var logs = new RecordingLoggerProvider("OrleansKaitoScaler.Grains");
        await using var replica = await VllmEndpoint.StartAsync();
        await using var host = await ScalerHost.StartAsync(
            Inventories.Of("phi-4", ready: true, [replica]),
            TimeSpan.FromMilliseconds(100),
            b =>
            {
                b.Logging.AddProvider(logs);
                b.Logging.AddFilter("OrleansKaitoScaler", LogLevel.Information);
            });
        var metadata = new Dictionary<string, string>
        {
            ["inferenceSetName"] = "phi-4",
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "vllm:num_requests_waiting",
            ["threshold"] = "1",
        };

        await Eventually.Get(() => host.TryGetMetricAsync(metadata), r => r.Status == StatusCode.OK, what: "ok");
        await Task.Delay(TimeSpan.FromSeconds(1));
        replica.Respond = c => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        await Eventually.True(() => Changes().Any(m => m.Contains("became unavailable", StringComparison.Ordinal)), what: "unavailable logged");
        // Let ten more failing rounds go by (waiting on scrapes, not wall time, so a busy machine cannot cut it short).
        var atChange = replica.Scrapes;
        await Eventually.True(() => replica.Scrapes >= Math.Max(15, atChange + 10), what: "ten more scrape rounds");

        // ~20 scrape rounds went by: still exactly one line per change.
        Assert.True(replica.Scrapes >= 15, $"only {replica.Scrapes} scrapes");
        Assert.Equal(1, Changes().Count(m => m.Contains("became ok", StringComparison.Ordinal)));
        Assert.Equal(1, Changes().Count(m => m.Contains("became unavailable", StringComparison.Ordinal)));
        Assert.Contains(Changes(), m => m.Contains("HTTP 500", StringComparison.Ordinal));

        List<string> Changes() => logs.Lines.Where(l => l.Id.Id == 1007).Select(l => l.Message).ToList();
    }
}
