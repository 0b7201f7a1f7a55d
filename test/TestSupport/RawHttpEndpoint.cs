using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// A TCP listener on 127.0.0.1 that answers every HTTP request with bytes a test chooses, for the faults Kestrel will
/// not produce: a body delimited only by the connection closing (cut short), or a reset (RST) instead of a response.
/// </summary>
public sealed class RawHttpEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public RawHttpEndpoint()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The response's bytes; null resets the connection instead of answering.</summary>
    public byte[]? Response { get; set; }

    /// <summary>An HTTP/1.1 response whose body ends where the connection closes (no Content-Length, not chunked).</summary>
    public static byte[] CloseDelimited(string body) =>
        Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nConnection: close\r\n\r\n" + body);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var buffer = new byte[8192];
                var seen = new StringBuilder();
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref _requests);
                if (Response is { } response)
                {
                    await socket.SendAsync(response, _stop.Token);
                    socket.Shutdown(SocketShutdown.Both);
                }
                else
                {
                    // Linger 0: close sends RST, as a crashed process or a firewall does.
                    socket.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }
}
