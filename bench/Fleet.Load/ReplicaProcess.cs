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
        var process = DriverChild.Start([Flag, count.ToString(CultureInfo.InvariantCulture), "--capture", capture]);
        var ports = await DriverChild.ReadAfterAsync(process, PortsLine, TimeSpan.FromMinutes(2));
        return new ReplicaProcess(process, [.. ports.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))]);
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

    public async ValueTask DisposeAsync() => await DriverChild.StopAsync(_process);
}
