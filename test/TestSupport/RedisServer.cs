using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// A real Redis server (Debian's <c>redis-server</c>; <c>./test.sh</c> installs it) on 127.0.0.1 and a free port, with
/// no persistence and its files in a temp folder. <see cref="CommandAsync"/> speaks RESP, so tests need no client library.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/redis-server";

    private readonly Process _process;
    private readonly DirectoryInfo _folder;

    private RedisServer(Process process, DirectoryInfo folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string that reaches it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a server and waits, up to 10 s, until it answers <c>PING</c>.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"Redis is not installed at {Executable} (Debian package 'redis-server'; ./test.sh installs it)");
        }

        var folder = Directory.CreateTempSubdirectory("oks-redis-");
        var port = FreePorts.Next();
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = folder.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder.FullName])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, folder, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                if (await server.CommandAsync("PING") == "PONG")
                {
                    return server;
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Sends one command and returns its reply flattened to text: bulk strings and array elements one per line.</summary>
    public async Task<string> CommandAsync(params string[] parts)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        var request = new StringBuilder($"*{parts.Length}\r\n");
        foreach (var part in parts)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        await ReadReplyAsync(reader, lines);
        return string.Join('\n', lines);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _folder.Delete(recursive: true);
    }

    private static async Task ReadReplyAsync(StreamReader reader, List<string> lines)
    {
        var header = await reader.ReadLineAsync() ?? throw new EndOfStreamException("Redis closed the connection");
        var rest = header[1..];
        switch (header[0])
        {
            case '+' or ':':
                lines.Add(rest);
                break;
            case '-':
                throw new InvalidOperationException($"Redis: {rest}");
            case '$':
                var length = int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture);
                if (length >= 0)
                {
                    var buffer = new char[length];
                    await reader.ReadBlockAsync(buffer);
                    await reader.ReadLineAsync();
                    lines.Add(new string(buffer));
                }

                break;
            case '*':
                var count = int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    await ReadReplyAsync(reader, lines);
                }

                break;
            default:
                throw new InvalidDataException($"unexpected Redis reply '{header}'");
        }
    }
}
