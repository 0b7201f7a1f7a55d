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
        await Task.Delay(6.5 * Interval);

        foreach (var (name, replica) in new[] { (first, a), (second, b) })
        {
            var slot = ScrapePhase.Of($"default/{name}", Interval).Offset;
            var lateness = replica.Requests.Order().Skip(1).Select(at => FromSlot(at, slot)).Order().ToArray();
            Assert.True(lateness.Length >= 5, $"{name}: {lateness.Length} timed rounds in 6.5 intervals");

            // The typical round reaches the replica within tens of milliseconds of its slot. Rounds in step with the first
            // call would sit at least 200 ms from one of the two slots, which are 400 ms apart.
            var median = lateness[lateness.Length / 2];
            Assert.True(median > TimeSpan.FromMilliseconds(-20) && median < TimeSpan.FromMilliseconds(150),
                $"{name}: rounds reached the replica {median.TotalMilliseconds:0.0} ms from its slot ({slot.TotalMilliseconds:0} ms into each second) at the median: {Text(lateness)}");

            // None early (timers round to milliseconds, so a fraction of one; a timer firing before its slot must not take
            // it twice), and none more than half an interval late, which is a missed round, not a busy box's delay.
            Assert.All(lateness, l => Assert.True(l > TimeSpan.FromMilliseconds(-20) && l < Interval / 2,
                $"{name}: a round reached its replica {l.TotalMilliseconds:0.0} ms from its slot: {Text(lateness)}"));
        }
    }

    /// <summary>How long after its slot a round reached the replica, between half an interval early and half late.</summary>
    private static TimeSpan FromSlot(DateTimeOffset at, TimeSpan slot)
    {
        var into = TimeSpan.FromTicks(((at.UtcTicks - slot.Ticks) % Interval.Ticks + Interval.Ticks) % Interval.Ticks);
        return into > Interval / 2 ? into - Interval : into;
    }

    private static string Text(IEnumerable<TimeSpan> lateness) =>
        string.Join(", ", lateness.Select(l => l.TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));

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
