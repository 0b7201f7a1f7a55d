using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// A real Kestrel server on 127.0.0.1 serving simulated vLLM metrics at <c>/metrics</c>. Tests change
/// <see cref="Metrics"/>, or replace the whole response with <see cref="Respond"/> to inject faults
/// (slow, huge, HTML, garbage, 503). <c>POST /control?waiting=N&amp;running=N&amp;kv=F&amp;ttft=S&amp;count=N</c> changes it from outside.
/// </summary>
public sealed class VllmEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _scrapes;

    private VllmEndpoint(WebApplication app, VllmMetrics metrics)
    {
        _app = app;
        Metrics = metrics;
    }

    public VllmMetrics Metrics { get; }

    /// <summary>Replaces the normal response while set.</summary>
    public Func<HttpContext, Task>? Respond { get; set; }

    public int Port { get; private set; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    /// <summary>How many times <c>/metrics</c> was requested.</summary>
    public int Scrapes => Volatile.Read(ref _scrapes);

    public static async Task<VllmEndpoint> StartAsync(int port = 0, VllmMetrics? metrics = null, IPAddress? address = null) =>
        await StartAsync(port, metrics, address, certificate: null);

    /// <summary>An endpoint that speaks HTTPS with <paramref name="certificate"/> (e.g. <see cref="SelfSignedCertificate"/>).</summary>
    public static async Task<VllmEndpoint> StartHttpsAsync(X509Certificate2 certificate, VllmMetrics? metrics = null) =>
        await StartAsync(0, metrics, null, certificate);

    private static async Task<VllmEndpoint> StartAsync(int port, VllmMetrics? metrics, IPAddress? address, X509Certificate2? certificate)
    {
        VllmEndpoint? endpoint = null;
        var (app, baseUrl) = await LoopbackServer.StartAsync(
            app =>
            {
                endpoint = new VllmEndpoint(app, metrics ?? new VllmMetrics());
                app.MapGet("/metrics", endpoint.ServeAsync);
                app.MapPost("/control", endpoint.Control);
            },
            port,
            address,
            certificate);
        endpoint!.Port = baseUrl.Port;
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private Task ServeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _scrapes);
        if (Respond is { } respond)
        {
            return respond(context);
        }

        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return context.Response.WriteAsync(Metrics.Render());
    }

    private IResult Control(HttpRequest request)
    {
        static double? Number(HttpRequest r, string key) =>
            r.Query.TryGetValue(key, out var v) && double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;

        if (Number(request, "waiting") is { } waiting)
        {
            Metrics.Waiting = waiting;
        }

        if (Number(request, "running") is { } running)
        {
            Metrics.Running = running;
        }

        if (Number(request, "kv") is { } kv)
        {
            Metrics.KvCacheUsage = kv;
        }

        if (Number(request, "ttft") is { } ttft)
        {
            Metrics.ObserveTimeToFirstToken(ttft, (int)(Number(request, "count") ?? 1));
        }

        return Results.Text(Metrics.Render(), "text/plain");
    }
}
