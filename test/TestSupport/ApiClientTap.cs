using System.Collections.Concurrent;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// Sits in one scaler's (or provisioner's) Kubernetes client: records the requests it sent (so a test can tell which replica
/// wrote) and can sever the client from the API server, as a crashed process or a network partition would.
/// </summary>
public sealed class ApiClientTap : DelegatingHandler
{
    private readonly ConcurrentQueue<(string Method, string Path)> _sent = new();
    private volatile bool _severed;
    private int _refused;

    /// <summary>Requests sent and answered (any status), as method and path.</summary>
    public IReadOnlyList<(string Method, string Path)> Sent => [.. _sent];

    /// <summary>Writes (POST, PUT, PATCH, DELETE) whose path contains <paramref name="resource"/>.</summary>
    public int Writes(string resource) => Sent.Count(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE" && r.Path.Contains($"/{resource}", StringComparison.Ordinal));

    /// <summary>Requests of any kind whose path contains <paramref name="resource"/>.</summary>
    public int Requests(string resource) => Sent.Count(r => r.Path.Contains($"/{resource}", StringComparison.Ordinal));

    /// <summary>Requests that failed because the client was severed.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>From now on every request fails without reaching the server.</summary>
    public void Sever() => _severed = true;

    /// <summary>Requests reach the server again.</summary>
    public void Restore() => _severed = false;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_severed)
        {
            Interlocked.Increment(ref _refused);
            throw new HttpRequestException("severed from the API server by the test");
        }

        var response = await base.SendAsync(request, cancellationToken);
        _sent.Enqueue((request.Method.Method, request.RequestUri?.AbsolutePath ?? ""));
        return response;
    }
}
