using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using OrleansKaitoScaler.Faults.Tests.Figures;
using OrleansKaitoScaler.Integration.Tests;
using OrleansKaitoScaler.TestSupport;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Faults.Tests.Scraping;

/// <summary>
/// Every way a replica can answer a scrape badly, through the whole scaler (standalone silo, real gRPC): the error is
/// recorded with its kind, KEDA gets the documented answer and never a number made from the bad response, and the
/// replica counts again once it heals. Two InferenceSets share the faulty replica: <c>mixed</c> (two healthy replicas
/// with 2 waiting each, plus the faulty one) and <c>alone</c> (only the faulty one).
/// </summary>
public sealed class ScrapeFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_within = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Faults() => [.. ScrapeFault.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_faulty_replica_is_a_recorded_error_of_its_kind_compensated_held_and_counted_again_once_healed(string name)
    {
        var fault = ScrapeFault.Named(name);
        await using var healthy0 = await VllmEndpoint.StartAsync(metrics: new VllmMetrics { Waiting = ScrapeFault.Waiting });
        await using var healthy1 = await VllmEndpoint.StartAsync(metrics: new VllmMetrics { Waiting = ScrapeFault.Waiting });
        await using var faulty = await fault.StartAsync();
        await using var host = await ScalerHost.StartAsync(Inventory(healthy0.Port, healthy1.Port, faulty.Port));

        // Short only where the fault is a timeout: on a loaded CI box a healthy replica can take over 500 ms, and its
        // Timeout would then stand beside the fault's own kind.
        var scrapeTimeout = fault.ExpectedError == "Timeout" ? "500ms" : "3s";
        Dictionary<string, string> Trigger(string inferenceSet, string aggregation = "sum") => Metadata(inferenceSet, scrapeTimeout, aggregation);

        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var wrong = new ConcurrentBag<string>();
        var calls = 0;

        async Task<(StatusCode Status, double Value, string Detail)> Ask(Dictionary<string, string> metadata, double? expected)
        {
            var result = await host.TryGetMetricAsync(metadata);
            Interlocked.Increment(ref calls);
            AnswerKinds.Count(answers, AnswerKinds.Of(result.Status, result.Detail));
            if (result.Status == StatusCode.OK && result.Value != expected)
            {
                wrong.Add($"{metadata["inferenceSetName"]}/{metadata.GetValueOrDefault("aggregation", "sum")} = {result.Value} (expected {expected?.ToString(CultureInfo.InvariantCulture) ?? "no value"})");
            }

            return result;
        }

        // While faulty: mixed sums 2 + 2 + threshold 10 (the failed replica is compensated: the others average below
        // the threshold), its service-avg is 2 (the answering replicas), alone has no replica answering: Unavailable.
        await Eventually.Get(
            async () => (await Ask(Trigger("mixed"), 14), await Ask(Trigger("mixed", "service-avg"), 2), await Ask(Trigger("alone"), null)),
            r => r.Item1.Value == 14 && r.Item2.Value == 2 && r.Item3.Status == StatusCode.Unavailable && r.Item3.Detail.StartsWith("no endpoint", StringComparison.Ordinal),
            s_within,
            $"the documented answers to '{name}'");
        for (var i = 0; i < 10; i++)
        {
            await Ask(Trigger("mixed"), 14);
            await Ask(Trigger("mixed", "service-avg"), 2);
            await Ask(Trigger("alone"), null);
            await Task.Delay(100);
        }

        var errors = AnswerKinds.ScrapeErrors(await host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        // Healed: counted again at its true value.
        await faulty.HealAsync();
        var healing = Stopwatch.StartNew();
        await Eventually.Get(
            async () => (await host.TryGetMetricAsync(Trigger("mixed")), await host.TryGetMetricAsync(Trigger("alone"))),
            r => r.Item1.Value == 6 && r.Item2.Value == 2,
            s_within,
            $"the healed replica counted after '{name}'");
        var recovery = healing.Elapsed;

        FaultFigures.Record(new FaultFigure(
            "scrape", name, errors.Values.Sum(), calls, answers, errors, recovery,
            $"recorded as {fault.ExpectedError}; sum compensated to 14, service-avg 2, alone Unavailable"));
        output.WriteLine($"{name}: {calls} calls {string.Join(", ", answers.Select(a => $"{a.Key}={a.Value}"))}; errors {string.Join(", ", errors.Select(e => $"{e.Key}={e.Value}"))}; healed in {recovery.TotalSeconds:0.00}s");

        Assert.Empty(wrong);
        Assert.True(errors.GetValueOrDefault(fault.ExpectedError) > 0, $"no {fault.ExpectedError} recorded: {string.Join(", ", errors.Select(e => $"{e.Key}={e.Value}"))}");
        Assert.Equal([fault.ExpectedError], errors.Keys);
    }

    private static Dictionary<string, string> Metadata(string inferenceSet, string scrapeTimeout, string aggregation) => new()
    {
        ["inferenceSetName"] = inferenceSet,
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = "10",
        ["scrapeTimeout"] = scrapeTimeout,
        ["aggregation"] = aggregation,
    };

    private static string Inventory(int healthy0, int healthy1, int faulty)
    {
        var text = new StringBuilder("inferenceSets:\n");
        Append(text, "mixed", healthy0, healthy1, faulty);
        Append(text, "alone", faulty);
        return text.ToString();

        static void Append(StringBuilder text, string name, params int[] ports)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - namespace: default\n    name: {name}\n    ready: true\n    services:\n");
            for (var i = 0; i < ports.Length; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"      - name: {name}-{i}\n        host: 127.0.0.1\n        port: {ports[i]}\n");
            }
        }
    }
}
