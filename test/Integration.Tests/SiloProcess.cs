using System.Diagnostics;
using System.Text;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// The scaler as its own process (<c>dotnet OrleansKaitoScaler.Silo.dll</c> from the test's output folder), for what
/// one process cannot host twice: per-pod environment variables such as <c>POD_NAME</c>. Every port is a free one
/// on 127.0.0.1; output is kept for failure messages; disposing kills the process.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private SiloProcess(Process process, int metricsPort)
    {
        _process = process;
        MetricsPort = metricsPort;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int MetricsPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process has written so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a silo with <paramref name="environment"/> added to this process's and <paramref name="args"/> after the port flags.</summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var metricsPort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OrleansKaitoScaler.Silo.dll"));
        foreach (var arg in (string[])[
            "--listen", "127.0.0.1",
            "--grpc-port", $"{FreePorts.Next()}", "--metrics-port", $"{metricsPort}", "--health-port", $"{FreePorts.Next()}",
            "--silo-port", $"{FreePorts.Next()}", "--gateway-port", $"{FreePorts.Next()}",
            .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new SiloProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), metricsPort);
    }

    /// <summary>Waits until <c>/readyz</c> answers 200, failing with the process's output if it exits or takes too long.</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{MetricsPort}/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the silo was not ready within {within}:{Environment.NewLine}{Output}");
    }

    /// <summary>Ends the process at once, as a node failure or <c>kill -9</c> would: no shutdown, no hand-over.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
