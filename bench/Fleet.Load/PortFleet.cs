using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// Simulated vLLM replicas, one loopback port each, so that a child silo process and Prometheus (neither of which can
/// use the tests' in-process <see cref="ClusterDns"/>) reach every replica at a real address. The body is
/// <see cref="VllmMetrics.Render"/> plus a real capture's families, rendered again only when the replica's state
/// changes, so serving costs what a socket write costs and the driver takes little CPU from the scrapers it measures.
/// </summary>
internal sealed class PortFleet : IAsyncDisposable
{
    private readonly List<WebApplication> _servers = [];
    private readonly ConcurrentDictionary<int, Replica> _byPort = new();
    private readonly List<Replica> _replicas = [];

    public PortFleet(string padding) => Padding = padding;

    /// <summary>Appended to every body: the families of a real capture.</summary>
    public string Padding { get; }

    public IReadOnlyList<Replica> Replicas => _replicas;

    /// <summary>The replica listening on <paramref name="port"/>.</summary>
    public Replica ByPort(int port) => _byPort[port];

    /// <summary>Bodies served so far, over every replica.</summary>
    public long Scrapes => _replicas.Sum(r => r.Scrapes);

    /// <summary>Starts <paramref name="count"/> more replicas (one Kestrel server for the batch, one port each).</summary>
    public async Task<IReadOnlyList<Replica>> AddAsync(int count)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxConcurrentConnections = null;
            for (var i = 0; i < count; i++)
            {
                k.Listen(IPAddress.Loopback, 0);
            }
        });
        var app = builder.Build();
        app.MapGet("/metrics", ServeAsync);
        await app.StartAsync();
        _servers.Add(app);
        var added = new List<Replica>(count);
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses)
        {
            var replica = new Replica(new Uri(address).Port, Padding);
            _byPort[replica.Port] = replica;
            added.Add(replica);
        }

        _replicas.AddRange(added);
        return added;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAsync(stop.Token);
            await server.DisposeAsync();
        }
    }

    private Task ServeAsync(HttpContext context)
    {
        if (!_byPort.TryGetValue(context.Connection.LocalPort, out var replica))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var body = replica.Served();
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>One simulated replica: its vLLM state, its cached body and when it was scraped.</summary>
    internal sealed class Replica(int port, string padding)
    {
        private readonly Lock _lock = new();
        private byte[]? _body;
        private long _scrapes;
        private long _lastArrival;
        private long _lateGaps;
        private long _windowStart = long.MaxValue;
        private long _windowEnd = long.MaxValue;
        private long _windowScrapes;

        public int Port { get; } = port;

        public VllmMetrics Metrics { get; } = new();

        public Uri Url => new($"http://127.0.0.1:{Port}/metrics");

        public long Scrapes => Interlocked.Read(ref _scrapes);

        /// <summary>Changes the queue length and renders the body again.</summary>
        public void SetWaiting(double waiting)
        {
            lock (_lock)
            {
                Metrics.Waiting = waiting;
                _body = null;
            }
        }

        /// <summary>Starts counting arrivals and gaps longer than <paramref name="lateAfter"/>.</summary>
        public void StartWindow(long lateAfterTicks)
        {
            lock (_lock)
            {
                _lateAfter = lateAfterTicks;
                _lateGaps = 0;
                _windowScrapes = 0;
                _windowEnd = long.MaxValue;
                _windowStart = Stopwatch.GetTimestamp();
            }
        }

        public (long Scrapes, long LateGaps, long LastArrival) EndWindow()
        {
            lock (_lock)
            {
                _windowEnd = Stopwatch.GetTimestamp();
                return (_windowScrapes, _lateGaps, _lastArrival);
            }
        }

        private long _lateAfter = long.MaxValue;

        public byte[] Served()
        {
            var now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _scrapes);
            lock (_lock)
            {
                if (now >= _windowStart && now < _windowEnd)
                {
                    _windowScrapes++;
                    if (_lastArrival >= _windowStart && now - _lastArrival > _lateAfter)
                    {
                        _lateGaps++;
                    }
                }

                _lastArrival = now;
                return _body ??= System.Text.Encoding.UTF8.GetBytes(Metrics.Render() + padding);
            }
        }
    }
}
