using System.Diagnostics;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// This driver started again as a child process for one part of a run (the replicas, or KEDA's caller), so that part's
/// CPU, heap and garbage collections are its own. The child ends when its standard input closes, so it ends with the
/// driver even when the driver is killed.
/// </summary>
internal static class DriverChild
{
    public static Process Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(typeof(DriverChild).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start the driver's child ({string.Join(' ', arguments)})");
    }

    /// <summary>The rest of the first line the child writes that starts with <paramref name="prefix"/>; the child is killed when it writes none in time.</summary>
    public static async Task<string> ReadAfterAsync(Process process, string prefix, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the driver's child wrote no '{prefix}' line within {within}");
        }

        await process.WaitForExitAsync();
        throw new InvalidOperationException($"the driver's child exited ({process.ExitCode}) before writing a '{prefix}' line");
    }

    /// <summary>Closes the child's standard input and waits for it to end, killing it after 20 s.</summary>
    public static async Task StopAsync(Process process)
    {
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }
}
