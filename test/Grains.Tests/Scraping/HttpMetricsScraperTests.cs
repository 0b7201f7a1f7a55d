using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Grains.Tests.Scraping;

/// <summary>The scraper against real Kestrel endpoints on 127.0.0.1, including the faults a broken replica produces.</summary>
public sealed class HttpMetricsScraperTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(1);

    /// <summary>For tests about what a body says, not when it comes: a new connection on a loaded CI box can take over 1 s.</summary>
    private static readonly TimeSpan s_patient = TimeSpan.FromSeconds(10);
    private static readonly FamilySelection s_families = FamilySelection.Of(["vllm:num_requests_waiting", "vllm:time_to_first_token_seconds"]);
    private readonly HttpMetricsScraper _scraper = new(Options.Create(new ScrapeOptions { MaxResponseBytes = 1024 * 1024 }), TimeProvider.System);
    private VllmEndpoint _endpoint = null!;

    public async Task InitializeAsync() => _endpoint = await VllmEndpoint.StartAsync();

    public async Task DisposeAsync()
    {
        _scraper.Dispose();
        await _endpoint.DisposeAsync();
    }

    private Task<EndpointScrape> Scrape(string path = "/metrics") =>
        _scraper.ScrapeAsync(new ScrapeEndpoint("phi-4-0", new Uri(_endpoint.BaseUrl, path)), s_timeout, s_families, CancellationToken.None);

    [Fact]
    public async Task Reads_the_requested_families_summed_across_engines()
    {
        _endpoint.Metrics.Waiting = 7;
        _endpoint.Metrics.ObserveTimeToFirstToken(0.2, 4);

        var scrape = await Scrape();

        Assert.True(scrape.Succeeded, scrape.Error);
        Assert.Equal(7, scrape.Families!["vllm:num_requests_waiting"].Value);
        Assert.Equal(0.8, scrape.Families["vllm:time_to_first_token_seconds"].Histogram!.Sum, 9);
        Assert.Equal(4, scrape.Families["vllm:time_to_first_token_seconds"].Histogram!.Count);
        Assert.False(scrape.Families.ContainsKey("vllm:num_requests_running"));
        Assert.True(scrape.Bytes > 1000);
    }

    [Fact]
    public async Task Reads_a_real_vLLM_capture()
    {
        var body = Fixtures.Bytes("vllm-metrics", "nvidia-vllm-25.09_qwen3-4b-fp8_v1-engine.txt");
        _endpoint.Respond = c => { c.Response.ContentType = "text/plain; version=0.0.4"; return c.Response.Body.WriteAsync(body).AsTask(); };

        var scrape = await Scrape();

        Assert.True(scrape.Succeeded, scrape.Error);
        Assert.True(scrape.Families!.ContainsKey("vllm:num_requests_waiting"));
    }

    [Fact]
    public async Task An_error_status_is_recorded_with_its_code()
    {
        _endpoint.Respond = c => { c.Response.StatusCode = 503; return Task.CompletedTask; };

        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.HttpStatus, scrape.ErrorReason);
        Assert.Contains("503", scrape.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_is_refused_not_followed()
    {
        _endpoint.Respond = c => { c.Response.Redirect("http://169.254.169.254/latest/meta-data"); return Task.CompletedTask; };

        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.Redirect, scrape.ErrorReason);
    }

    [Fact]
    public async Task Html_instead_of_metrics_is_a_recorded_error()
    {
        _endpoint.Respond = c => { c.Response.ContentType = "text/html"; return c.Response.WriteAsync("<html><body>login</body></html>"); };

        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.ContentType, scrape.ErrorReason);
    }

    [Fact]
    public async Task Html_served_as_text_plain_is_rejected_by_the_parser()
    {
        _endpoint.Respond = c => { c.Response.ContentType = "text/plain"; return c.Response.WriteAsync("<!DOCTYPE html>\n<html><body>oops</body></html>\n"); };

        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.Malformed, scrape.ErrorReason);
        Assert.Contains("line 1", scrape.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_garbage_is_a_recorded_error()
    {
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        _endpoint.Respond = c => c.Response.Body.WriteAsync(garbage).AsTask();

        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.Malformed, scrape.ErrorReason);
    }

    [Fact]
    public async Task A_50_MB_body_is_refused_at_the_cap_without_reading_it_all()
    {
        _endpoint.Respond = async c =>
        {
            c.Response.ContentType = "text/plain";
            var line = "vllm:num_requests_waiting{engine=\"0\"} 1.0\n"u8.ToArray();
            var chunk = Enumerable.Repeat(line, 1000).SelectMany(b => b).ToArray();
            try
            {
                for (var written = 0; written < 50 * 1024 * 1024; written += chunk.Length)
                {
                    await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
        };

        var watch = Stopwatch.StartNew();
        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.TooLarge, scrape.ErrorReason);
        Assert.True(watch.Elapsed < s_timeout + TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_declared_oversized_body_is_refused_from_its_headers()
    {
        _endpoint.Respond = c => { c.Response.ContentLength = 60L * 1024 * 1024; return c.Response.Body.FlushAsync(); };

        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.TooLarge, scrape.ErrorReason);
    }

    [Fact]
    public async Task A_slow_endpoint_times_out_within_its_timeout()
    {
        _endpoint.Respond = async c => await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted);

        var watch = Stopwatch.StartNew();
        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.Timeout, scrape.ErrorReason);
        Assert.InRange(watch.Elapsed, s_timeout - TimeSpan.FromMilliseconds(50), s_timeout + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_never_ending_body_times_out()
    {
        _endpoint.Respond = async c =>
        {
            c.Response.ContentType = "text/plain";
            while (!c.RequestAborted.IsCancellationRequested)
            {
                await c.Response.WriteAsync("# still going\n", c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
                await Task.Delay(50, c.RequestAborted);
            }
        };

        var scrape = await Scrape();

        Assert.Equal(ScrapeErrorReason.Timeout, scrape.ErrorReason);
    }

    [Fact]
    public async Task A_body_cut_mid_line_where_the_connection_closes_is_malformed_not_a_smaller_number()
    {
        // No Content-Length, not chunked: the body ends where the connection does. "25" cut to "2" must not parse as 2.
        await using var raw = new RawHttpEndpoint { Response = RawHttpEndpoint.CloseDelimited("# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting 2") };

        var cut = await _scraper.ScrapeAsync(new ScrapeEndpoint("cut", new Uri($"http://127.0.0.1:{raw.Port}/metrics")), s_patient, s_families, CancellationToken.None);
        raw.Response = RawHttpEndpoint.CloseDelimited("vllm:num_requests_waiting 25\n");
        var whole = await _scraper.ScrapeAsync(new ScrapeEndpoint("whole", new Uri($"http://127.0.0.1:{raw.Port}/metrics")), s_patient, s_families, CancellationToken.None);

        Assert.Equal(ScrapeErrorReason.Malformed, cut.ErrorReason);
        Assert.Contains("final newline", cut.Error, StringComparison.Ordinal);
        Assert.True(whole.Succeeded, $"{whole.ErrorReason}: {whole.Error}");
        Assert.Equal(25, whole.Families!["vllm:num_requests_waiting"].Value);
    }

    [Fact]
    public async Task A_sample_is_timed_by_the_answer_not_by_the_end_of_a_slow_body()
    {
        // The counters are read when the replica answers; the rest of the body coming 600 ms later changes nothing.
        _endpoint.Respond = async c =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4";
            await c.Response.WriteAsync("# TYPE vllm:num_requests_waiting gauge\n", c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            await Task.Delay(600, c.RequestAborted);
            await c.Response.WriteAsync("vllm:num_requests_waiting 4\n", c.RequestAborted);
        };

        var scrape = await _scraper.ScrapeAsync(new ScrapeEndpoint("phi-4-0", new Uri(_endpoint.BaseUrl, "/metrics")), s_patient, s_families, CancellationToken.None);

        Assert.Equal(4, scrape.Families!["vllm:num_requests_waiting"].Value);
        Assert.True(scrape.Latency >= TimeSpan.FromMilliseconds(550), $"latency {scrape.Latency}");
        Assert.True(scrape.Latency - scrape.AnsweredAfter >= TimeSpan.FromMilliseconds(500), $"answered after {scrape.AnsweredAfter} of {scrape.Latency}");
    }

    [Fact]
    public async Task A_body_with_a_Content_Length_needs_no_final_newline()
    {
        _endpoint.Respond = c =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4";
            c.Response.ContentLength = "vllm:num_requests_waiting 3".Length;
            return c.Response.WriteAsync("vllm:num_requests_waiting 3");
        };

        var scrape = await Scrape();

        Assert.Equal(3, scrape.Families!["vllm:num_requests_waiting"].Value);
    }

    [Fact]
    public async Task A_refused_connection_is_recorded()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var scrape = await _scraper.ScrapeAsync(new ScrapeEndpoint("gone", new Uri($"http://127.0.0.1:{port}/metrics")), s_timeout, s_families, CancellationToken.None);

        Assert.Equal(ScrapeErrorReason.Connection, scrape.ErrorReason);
        Assert.Equal("gone", scrape.Endpoint);
    }

    [Fact]
    public async Task Cluster_service_names_are_reached_through_the_connect_callback()
    {
        var port = _endpoint.Port;
        using var mapped = new HttpMetricsScraper(
            Options.Create(new ScrapeOptions
            {
                ConnectCallback = async (context, token) =>
                {
                    Assert.Equal("phi-4-0.default.svc.cluster.local", context.DnsEndPoint.Host);
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(IPAddress.Loopback, port, token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            }),
            TimeProvider.System);
        _endpoint.Metrics.Waiting = 5;

        var scrape = await mapped.ScrapeAsync(
            new ScrapeEndpoint("phi-4-0", new Uri("http://phi-4-0.default.svc.cluster.local:80/metrics")), s_timeout, s_families, CancellationToken.None);

        Assert.True(scrape.Succeeded, scrape.Error);
        Assert.Equal(5, scrape.Families!["vllm:num_requests_waiting"].Value);
    }
}
