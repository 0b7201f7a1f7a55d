using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// Grains that start together do not scrape together: after its first, immediate round each InferenceSet's rounds fall
/// on its own slot of the wall clock (<see cref="ScrapePhase"/>), however they were started.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ScrapePhaseTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task InferenceSets_asked_for_at_the_same_moment_scrape_on_their_own_slots()
    {
        // Two names whose slots are far apart, so rounds in step with the first call could not pass for both.
        var (first, second) = SlotsApart(TimeSpan.FromMilliseconds(400));
        await using var a = await RecordingReplica.StartAsync();
        await using var b = await RecordingReplica.StartAsync();
        await using var host = await ScalerHost.StartAsync(
            Inventories.Combine(Inventories.Of(first, ready: true, [a.Endpoint]), Inventories.Of(second, ready: true, [b.Endpoint])), Interval);

        await Task.WhenAll(Ask(host, first), Ask(host, second));
        await Task.Delay(4.5 * Interval);

        foreach (var (name, replica) in new[] { (first, a), (second, b) })
        {
            var slot = ScrapePhase.Of($"default/{name}", Interval).Offset;
            var timed = replica.Requests.Order().Skip(1).ToArray();
            Assert.True(timed.Length >= 3, $"{name}: {timed.Length} timed rounds in 4.5 intervals");
            foreach (var at in timed)
            {
                // Loopback and a busy 2-core box: a round may reach the replica some tens of milliseconds after its slot;
                // timers round to milliseconds, so one may also fire a fraction of one before it.
                var into = TimeSpan.FromTicks(((at.UtcTicks - slot.Ticks) % Interval.Ticks + Interval.Ticks) % Interval.Ticks);
                var after = into > Interval / 2 ? into - Interval : into;
                Assert.True(after > TimeSpan.FromMilliseconds(-20) && after < TimeSpan.FromMilliseconds(200),
                    $"{name}: a round reached its replica {after.TotalMilliseconds:0.0} ms from its slot ({slot.TotalMilliseconds:0} ms into each second)");
            }
        }
    }

    private static async Task Ask(ScalerHost host, string name)
    {
        var metadata = new Dictionary<string, string>
        {
            ["inferenceSetName"] = name,
            ["inferenceSetNamespace"] = "default",
            ["metricName"] = "vllm:num_requests_waiting",
            ["threshold"] = "1",
        };
        await Eventually.Get(() => host.TryGetMetricAsync(metadata), r => r.Status == StatusCode.OK, what: $"{name}'s first value");
    }

    private static (string First, string Second) SlotsApart(TimeSpan apart)
    {
        var first = ScrapePhase.Of("default/phase-0", Interval).Offset;
        for (var i = 1; ; i++)
        {
            var distance = (ScrapePhase.Of($"default/phase-{i}", Interval).Offset - first).Duration();
            if (distance > apart && Interval - distance > apart)
            {
                return ("phase-0", $"phase-{i}");
            }
        }
    }

    /// <summary>A replica that notes when each scrape reaches it.</summary>
    private sealed class RecordingReplica : IAsyncDisposable
    {
        private RecordingReplica(VllmEndpoint endpoint) => Endpoint = endpoint;

        public VllmEndpoint Endpoint { get; }

        public ConcurrentBag<DateTimeOffset> Requests { get; } = [];

        public static async Task<RecordingReplica> StartAsync()
        {
            var replica = new RecordingReplica(await VllmEndpoint.StartAsync());
            replica.Endpoint.Respond = context =>
            {
                replica.Requests.Add(DateTimeOffset.UtcNow);
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                return context.Response.WriteAsync(replica.Endpoint.Metrics.Render());
            };
            return replica;
        }

        public ValueTask DisposeAsync() => Endpoint.DisposeAsync();
    }
}
