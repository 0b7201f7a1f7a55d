using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// Cluster DNS for tests: maps Service host names (<c>ws.ns.svc.cluster.local</c>) to loopback endpoints through the
/// scrape client's connect callback, so production code keeps building exactly the Go scaler's URLs. An unmapped
/// name fails the way an unknown host does.
/// </summary>
public sealed class ClusterDns
{
    private readonly ConcurrentDictionary<string, IPEndPoint> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Points <paramref name="host"/> (any port) at 127.0.0.1:<paramref name="port"/>.</summary>
    public void Map(string host, int port) => _names[host] = new IPEndPoint(IPAddress.Loopback, port);

    /// <summary>Removes a name: connecting to it then fails as an unknown host.</summary>
    public void Unmap(string host) => _names.TryRemove(host, out _);

    /// <summary>How many connections were opened per host name.</summary>
    public ConcurrentDictionary<string, int> Connections { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>For <c>SocketsHttpHandler.ConnectCallback</c>.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        if (!_names.TryGetValue(host, out var target))
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        Connections.AddOrUpdate(host, 1, (_, n) => n + 1);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
