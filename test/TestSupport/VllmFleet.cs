using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// Many simulated vLLM replicas behind one Kestrel server on 127.0.0.1: each replica is a Service host name
/// (<c>ws.ns.svc.cluster.local</c>) that <see cref="Dns"/> maps to this server, which answers <c>/metrics</c> with the
/// metrics of the replica named in the request's <c>Host</c>. Thousands of endpoints cost one listening port.
/// </summary>
public sealed class VllmFleet : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, VllmMetrics> _replicas = new(StringComparer.OrdinalIgnoreCase);
    private readonly WebApplication _app;
    private long _scrapes;

    private VllmFleet(WebApplication app, int port) => (_app, Port) = (app, port);

    /// <summary>Routes every replica host to this server.</summary>
    public ClusterDns Dns { get; } = new();

    public int Port { get; }

    /// <summary>Appended to every body, e.g. the families of a real capture, so bodies weigh what vLLM's do.</summary>
    public string Padding { get; set; } = "";

    /// <summary>Bodies served so far.</summary>
    public long Scrapes => Interlocked.Read(ref _scrapes);

    public static async Task<VllmFleet> StartAsync()
    {
        VllmFleet? fleet = null;
        var (app, baseUrl) = await LoopbackServer.StartAsync(app => app.MapGet("/metrics", (HttpContext context) => fleet!.ServeAsync(context)));
        fleet = new VllmFleet(app, baseUrl.Port);
        return fleet;
    }

    /// <summary>Adds (or returns) the replica reached at <paramref name="host"/>.</summary>
    public VllmMetrics Replica(string host, Func<VllmMetrics>? create = null)
    {
        Dns.Map(host, Port);
        return _replicas.GetOrAdd(host, _ => create?.Invoke() ?? new VllmMetrics());
    }

    /// <summary>Takes a replica away: its host no longer resolves.</summary>
    public void Remove(string host)
    {
        Dns.Unmap(host);
        _replicas.TryRemove(host, out _);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private Task ServeAsync(HttpContext context)
    {
        if (!_replicas.TryGetValue(context.Request.Host.Host, out var metrics))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _scrapes);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        var body = metrics.Render();
        return context.Response.WriteAsync(Padding.Length == 0 ? body : body + Padding);
    }
}
