using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>The operator's view of a running standalone silo: state page and its JSON twin, /metrics, the dashboard, traces.</summary>
public sealed class ObservabilityTests : IAsyncLifetime
{
    private readonly List<VllmEndpoint> _replicas = [];
    private ScalerHost _host = null!;

    private static Dictionary<string, string> Waiting(double threshold = 4) => new()
    {
        ["inferenceSetName"] = "phi-4",
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _replicas.Add(await VllmEndpoint.StartAsync());
        }

        _replicas[0].Metrics.Waiting = 6;
        _replicas[1].Metrics.Waiting = 3;
        _replicas[2].Respond = c => { c.Response.StatusCode = 503; return Task.CompletedTask; };
        _host = await ScalerHost.StartAsync(Inventories.Of("phi-4", ready: true, _replicas, 3, 2));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private async Task<JsonElement> StateOf(string ns, string name)
    {
        using var response = await _host.Http.GetAsync(new Uri($"/api/inferencesets/{ns}/{name}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement : default;
    }

    [Fact]
    public async Task The_json_api_shows_values_errors_and_desired_replicas()
    {
        // 6 + 3 answer (avg 4.5 ≥ threshold 4), the 503 replica counts 0: 9 → ceil(9/4) = 3 replicas.
        await Eventually.Get(() => _host.TryGetMetricAsync(Waiting()), r => r is { Status: StatusCode.OK, Value: 9 }, what: "value");
        var view = await Eventually.Get(
            () => StateOf("default", "phi-4"),
            v => v.ValueKind == JsonValueKind.Object && v.GetProperty("state").GetProperty("triggers")[0].GetProperty("status").GetString() == "ok",
            what: "state posted");

        var state = view.GetProperty("state");
        Assert.True(state.GetProperty("ready").GetBoolean());
        Assert.Equal(2, state.GetProperty("readyReplicas").GetInt32());
        Assert.False(string.IsNullOrEmpty(state.GetProperty("silo").GetString()));
        var endpoints = state.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(3, endpoints.Count);
        Assert.Equal(2, endpoints.Count(e => e.GetProperty("ok").GetBoolean()));
        Assert.Contains("503", endpoints.Single(e => !e.GetProperty("ok").GetBoolean()).GetProperty("error").GetString(), StringComparison.Ordinal);
        var trigger = state.GetProperty("triggers")[0];
        Assert.Equal("vllm:num_requests_waiting", trigger.GetProperty("metricName").GetString());
        Assert.Equal(9, trigger.GetProperty("value").GetDouble());
        Assert.Equal(4, trigger.GetProperty("threshold").GetDouble());
        Assert.Equal(3, trigger.GetProperty("desiredReplicas").GetInt32());
        Assert.True(state.GetProperty("windowRounds").GetInt32() >= 1);
        Assert.True(view.GetProperty("newestSampleAgeSeconds").GetDouble() < 5);
    }

    [Fact]
    public async Task The_list_filters_by_namespace_and_state_and_pages()
    {
        await Eventually.Get(() => _host.TryGetMetricAsync(Waiting()), r => r.Status == StatusCode.OK, what: "value");
        await Eventually.Get(() => StateOf("default", "phi-4"), v => v.ValueKind == JsonValueKind.Object, what: "state posted");

        async Task<JsonElement> List(string query) =>
            JsonDocument.Parse(await _host.Http.GetStringAsync(new Uri("/api/inferencesets" + query, UriKind.Relative))).RootElement;

        Assert.Equal(1, (await List("")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await List("?namespace=default&state=errors")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await List("?namespace=other")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await List("?state=not-ready")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await List("?page=2&pageSize=1")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_InferenceSet_nobody_asked_about_has_no_state()
    {
        using var response = await _host.Http.GetAsync(new Uri("/api/inferencesets/default/unknown", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_state_page_renders_the_InferenceSet()
    {
        await Eventually.Get(() => _host.TryGetMetricAsync(Waiting()), r => r.Status == StatusCode.OK, what: "value");
        await Eventually.Get(() => StateOf("default", "phi-4"), v => v.ValueKind == JsonValueKind.Object, what: "state posted");

        var html = await _host.Http.GetStringAsync(new Uri("/inferencesets", UriKind.Relative));

        Assert.Contains("default/phi-4", html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"ok\"", html, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_scrapes_keda_calls_their_latency_and_orleans_and_runtime_meters()
    {
        await Eventually.Get(() => _host.TryGetMetricAsync(Waiting()), r => r.Status == StatusCode.OK, what: "value");
        await Eventually.Get(() => StateOf("default", "phi-4"), v => v.ValueKind == JsonValueKind.Object, what: "state posted");

        var text = await Eventually.Get(
            () => _host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative)),
            t => t.Contains("oks_keda_calls", StringComparison.Ordinal) && t.Contains("oks_grains_active", StringComparison.Ordinal),
            what: "metrics exported");

        Assert.Contains("oks_scrapes", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"HttpStatus\"", text, StringComparison.Ordinal);
        Assert.Contains("oks_scrape_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("method=\"GetMetrics\"", text, StringComparison.Ordinal);
        Assert.Matches("oks_keda_call_duration_seconds_bucket\\{[^}]*method=\"GetMetrics\"[^}]*le=\"0.001\"", text);
        Assert.Contains("dotnet_gc_collections_total", text, StringComparison.Ordinal);
        Assert.Contains("oks_window_bytes", text, StringComparison.Ordinal);
        Assert.Contains("oks_inventory_sync_lag_seconds", text, StringComparison.Ordinal);
        Assert.Contains("orleans_", text, StringComparison.Ordinal);
        await PromtoolAccepts(text);
    }

    [Fact]
    public async Task The_orleans_dashboard_is_served()
    {
        using var response = await _host.Http.GetAsync(new Uri("/dashboard", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task One_GetMetrics_trace_holds_the_gateway_grain_and_scrape_spans()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            // What the scaler's tracer listens to with an OTLP endpoint set: Orleans carries the trace into the grain
            // only while its own sources have a listener.
            ShouldListenTo = s => OrleansKaitoScaler.Silo.Telemetry.TelemetryHostingExtensions.TracedSources.Contains(s.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var metadata = Waiting();
        metadata["metricName"] = "vllm:num_requests_running";

        // The first call registers the target: the grain scrapes at once, inside the call's trace.
        await _host.TryGetMetricAsync(metadata);
        // A span is recorded when it ends: wait for the three replicas' scrapes, which end one after another.
        var trace = await Eventually.Get(
            () => Task.FromResult(Snapshot().Where(a => a.OperationName == "keda GetMetrics").Select(a => a.TraceId)
                .FirstOrDefault(id => Snapshot().Count(s => s.TraceId == id && s.OperationName == "scrape") >= 3)),
            id => id != default,
            what: "a trace with the three replicas' scrapes");

        var names = Snapshot().Where(a => a.TraceId == trace).Select(a => a.OperationName).ToList();
        Assert.Contains("keda GetMetrics", names);
        Assert.Contains("InferenceSet.GetMetric", names);
        Assert.Equal(3, names.Count(n => n == "scrape"));

        List<Activity> Snapshot()
        {
            lock (spans)
            {
                return [.. spans];
            }
        }
    }

    private static async Task PromtoolAccepts(string metrics)
    {
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            Assert.Fail("promtool is not installed (Debian package 'prometheus'; .ci/run installs it)");
        }

        var start = new ProcessStartInfo(promtool!, "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        // Exit 0: clean; exit 3: lint warnings only (e.g. counters without _total from Orleans' meters); 1: parse error.
        Assert.True(process.ExitCode is 0 or 3, $"promtool check metrics exited {process.ExitCode}: {output}");
        Assert.DoesNotContain("error while linting", output, StringComparison.Ordinal);
    }
}
