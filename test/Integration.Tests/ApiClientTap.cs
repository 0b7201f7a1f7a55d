using System.Collections.Concurrent;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>Sits in one scaler's Kubernetes client and records the requests it sent, so a test can tell which replica wrote.</summary>
internal sealed class ApiClientTap : DelegatingHandler
{
    private readonly ConcurrentQueue<(string Method, string Path)> _sent = new();

    /// <summary>Writes (POST, PUT, PATCH, DELETE) whose path contains <c>/</c><paramref name="resource"/>.</summary>
    public int Writes(string resource) =>
        _sent.Count(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE" && r.Path.Contains($"/{resource}", StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _sent.Enqueue((request.Method.Method, request.RequestUri?.AbsolutePath ?? ""));
        return response;
    }
}
