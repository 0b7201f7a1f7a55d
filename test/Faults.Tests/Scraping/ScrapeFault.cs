using System.Text;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Faults.Tests.Scraping;

/// <summary>
/// One way a vLLM replica answers badly, and the scrape error it must be recorded as. <see cref="StartAsync"/> gives
/// the replica's port and a way to heal it (after which it serves <c>vllm:num_requests_waiting 2</c>).
/// </summary>
internal sealed record ScrapeFault(string Name, string ExpectedError)
{
    public const double Waiting = 2;

    public static readonly IReadOnlyList<ScrapeFault> All =
    [
        new("timeout (no headers)", "Timeout"),
        new("timeout (trickling body)", "Timeout"),
        new("connection refused", "Connection"),
        new("connection reset", "Connection"),
        new("partial body (chunked, aborted)", "Connection"),
        new("partial body (short of Content-Length)", "Connection"),
        new("partial body (cut mid-line, close-delimited)", "Malformed"),
        new("60 MB body", "TooLarge"),
        new("60 MB declared in Content-Length", "TooLarge"),
        new("redirect 302", "Redirect"),
        new("HTTP 500", "HttpStatus"),
        new("HTTP 503", "HttpStatus"),
        new("HTML (text/html)", "ContentType"),
        new("HTML served as text/plain", "Malformed"),
        new("binary garbage", "Malformed"),
    ];

    public static ScrapeFault Named(string name) => All.Single(f => f.Name == name);

    /// <summary>Starts the faulty replica.</summary>
    public async Task<FaultyReplica> StartAsync()
    {
        switch (Name)
        {
            case "connection refused":
            {
                var closed = await VllmEndpoint.StartAsync();
                var port = closed.Port;
                await closed.DisposeAsync();
                return new FaultyReplica(port, async () => await VllmEndpoint.StartAsync(port, Healthy()), null);
            }

            case "connection reset":
            case "partial body (cut mid-line, close-delimited)":
            {
                var raw = new RawHttpEndpoint
                {
                    // 25 waiting, cut to "2": read as a number it would be wrong, so it must be an error.
                    Response = Name == "connection reset" ? null : RawHttpEndpoint.CloseDelimited("# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting 2"),
                };
                return new FaultyReplica(raw.Port, () =>
                {
                    raw.Response = RawHttpEndpoint.CloseDelimited("vllm:num_requests_waiting 2\n");
                    return Task.FromResult<IAsyncDisposable?>(null);
                }, raw);
            }

            default:
            {
                var replica = await VllmEndpoint.StartAsync(metrics: Healthy());
                replica.Respond = Respond();
                return new FaultyReplica(replica.Port, () =>
                {
                    replica.Respond = null;
                    return Task.FromResult<IAsyncDisposable?>(null);
                }, replica);
            }
        }
    }

    private static VllmMetrics Healthy() => new() { Waiting = Waiting };

    private Func<HttpContext, Task> Respond() => Name switch
    {
        "timeout (no headers)" => async c => await Quietly(Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted)),
        "timeout (trickling body)" => async c =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4";
            await Quietly(Trickle(c));
        },
        "partial body (chunked, aborted)" => async c =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4";
            await c.Response.WriteAsync("# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting 2");
            await c.Response.Body.FlushAsync();
            c.Abort();
        },
        "partial body (short of Content-Length)" => async c =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4";
            c.Response.ContentLength = 4096;
            await c.Response.WriteAsync("vllm:num_requests_waiting 2");
            await c.Response.Body.FlushAsync();
            c.Abort();
        },
        "60 MB body" => async c =>
        {
            c.Response.ContentType = "text/plain; version=0.0.4";
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("vllm:num_requests_waiting{engine=\"0\"} 1.0\n", 1000)));
            await Quietly(Flood(c, chunk, 60 * 1024 * 1024));
        },
        "60 MB declared in Content-Length" => c =>
        {
            c.Response.ContentLength = 60L * 1024 * 1024;
            return Quietly(c.Response.Body.FlushAsync(c.RequestAborted));
        },
        "redirect 302" => c =>
        {
            c.Response.Redirect("http://127.0.0.1:1/metrics");
            return Task.CompletedTask;
        },
        "HTTP 500" => c =>
        {
            c.Response.StatusCode = 500;
            return Task.CompletedTask;
        },
        "HTTP 503" => c =>
        {
            c.Response.StatusCode = 503;
            return c.Response.WriteAsync("vllm:num_requests_waiting 0\n");
        },
        "HTML (text/html)" => c =>
        {
            c.Response.ContentType = "text/html";
            return c.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>");
        },
        "HTML served as text/plain" => c =>
        {
            c.Response.ContentType = "text/plain";
            return c.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>\n");
        },
        "binary garbage" => c => c.Response.Body.WriteAsync(Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251)).ToArray()).AsTask(),
        _ => throw new InvalidOperationException($"unknown fault {Name}"),
    };

    private static async Task Trickle(HttpContext c)
    {
        while (true)
        {
            await c.Response.WriteAsync("# still going\n", c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            await Task.Delay(20, c.RequestAborted);
        }
    }

    private static async Task Flood(HttpContext c, byte[] chunk, int total)
    {
        for (var sent = 0; sent < total; sent += chunk.Length)
        {
            await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
        }
    }

    /// <summary>The scraper hanging up is the expected end of these responses.</summary>
    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    public override string ToString() => Name;
}

/// <summary>A running faulty replica: its port, and healing it (which may start a replacement to dispose).</summary>
internal sealed class FaultyReplica(int port, Func<Task<IAsyncDisposable?>> heal, IAsyncDisposable? server) : IAsyncDisposable
{
    private IAsyncDisposable? _replacement;

    public int Port { get; } = port;

    public async Task HealAsync() => _replacement = await heal();

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (_replacement is not null)
        {
            await _replacement.DisposeAsync();
        }
    }
}
