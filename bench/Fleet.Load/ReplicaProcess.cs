using System.Diagnostics;
using System.Globalization;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// Simulated replicas in a child process (this driver, run with <c>--serve-replicas N</c>), for the memory figure: the
/// scaler then has the driver's heap to itself, without the replicas' bodies and server-side connections. The child
/// serves until its standard input closes, so it ends with the driver even when the driver is killed.
/// </summary>
internal sealed class ReplicaProcess : IAsyncDisposable
{
    public const string Flag = "--serve-replicas";
    private const string PortsLine = "ports ";
    private readonly Process _process;

    private ReplicaProcess(Process process, IReadOnlyList<int> ports) => (_process, Ports) = (process, ports);

    /// <summary>The replicas' loopback ports, in order.</summary>
    public IReadOnlyList<int> Ports { get; }

    public static async Task<ReplicaProcess> StartAsync(int count, string capture)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(typeof(ReplicaProcess).Assembly.Location);
        start.ArgumentList.Add(Flag);
        start.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--capture");
        start.ArgumentList.Add(capture);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the replica process");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(PortsLine, StringComparison.Ordinal))
            {
                return new ReplicaProcess(process, [.. line[PortsLine.Length..].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))]);
            }
        }

        process.Kill();
        throw new InvalidOperationException($"the replica process exited ({process.ExitCode}) before listing its ports");
    }

    /// <summary>The child's side: <paramref name="count"/> replicas padded with <paramref name="capture"/>'s families, their ports on one line.</summary>
    public static async Task ServeAsync(int count, string capture, TextReader input, TextWriter output)
    {
        await using var fleet = new PortFleet(CapturePadding.From(capture));
        var ports = new List<int>(count);
        for (var left = count; left > 0; left -= 1000)
        {
            ports.AddRange((await fleet.AddAsync(Math.Min(left, 1000))).Select(r => r.Port));
        }

        await output.WriteLineAsync(PortsLine + string.Join(',', ports));
        await output.FlushAsync();
        await input.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
