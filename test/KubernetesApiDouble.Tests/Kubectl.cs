using System.Diagnostics;
using System.Text;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

/// <summary>
/// Runs a real kubectl against the double. Every run is bounded by a timeout and its process tree is killed at the end,
/// whatever happens. Each instance has its own discovery cache so that runs never see another server's API.
/// </summary>
internal sealed class Kubectl(string binary, string kubeconfig, string cacheDirectory)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The binaries to test: the default <c>kubectl</c> plus the oldest and newest <c>kubectl.1.N</c> beside it.
    /// When no kubectl exists at all the list still names "kubectl", so the test fails and says so instead of vanishing.
    /// </summary>
    public static TheoryData<string> Binaries()
    {
        var data = new TheoryData<string> { "kubectl" };
        if (Resolve("kubectl") is not { } found)
        {
            return data;
        }

        var real = File.ResolveLinkTarget(found, returnFinalTarget: true)?.FullName ?? found;
        var versioned = Directory.EnumerateFiles(Path.GetDirectoryName(real)!, "kubectl.1.*")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => int.TryParse(name["kubectl.1.".Length..], out _))
            .OrderBy(name => int.Parse(name["kubectl.1.".Length..]))
            .ToArray();
        foreach (var name in new[] { versioned.FirstOrDefault(), versioned.LastOrDefault() }.OfType<string>().Distinct())
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>The full path of a kubectl binary named by <see cref="Binaries"/>; fails the test clearly when absent.</summary>
    public static string PathOf(string name)
    {
        var kubectl = Resolve("kubectl")
            ?? throw new FileNotFoundException("kubectl is not on PATH: install kubectl (these tests drive the real binary against the double)");
        if (name == "kubectl")
        {
            return kubectl;
        }

        var real = File.ResolveLinkTarget(kubectl, returnFinalTarget: true)?.FullName ?? kubectl;
        var path = Path.Combine(Path.GetDirectoryName(real)!, name);
        Assert.True(File.Exists(path), $"{name} was listed beside {real} but is gone");
        return path;
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync(new CancellationTokenSource(s_timeout).Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {s_timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts a long-running kubectl (such as <c>get --watch</c>), calls <paramref name="onOutput"/> with everything it
    /// has printed so far after each line, and kills it once that returns true. Returns the output.
    /// </summary>
    public async Task<string> RunUntilAsync(string[] args, Func<string, Task<bool>> onOutput)
    {
        using var process = Start(args);
        var output = new StringBuilder();
        using var deadline = new CancellationTokenSource(s_timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                output.AppendLine(line);
                if (await onOutput(output.ToString()))
                {
                    return output.ToString();
                }
            }

            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} exited early: {output}{await process.StandardError.ReadToEndAsync()}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not print what was awaited within {s_timeout}; it printed:{Environment.NewLine}{output}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private Process Start(string[] args)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", cacheDirectory }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("KUBECONFIG");
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
    }

    private static string? Resolve(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}
