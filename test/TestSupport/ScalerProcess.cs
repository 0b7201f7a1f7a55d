using System.Diagnostics;
using System.Net;
using System.Text;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>
/// The scaler as its own process: <c>dotnet OrleansKaitoScaler.Silo.dll</c> from the caller's output folder (a project
/// reference to Silo copies it there), on 127.0.0.1 with a free port for each of its five listeners. For what one
/// process cannot host twice (per-pod environment variables such as <c>POD_NAME</c>) and for CPU time and memory that
/// must be the silo's own. Its output is kept for failure messages; disposing kills it.
/// </summary>
public sealed class ScalerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private ScalerProcess(Process process, ScalerPorts ports)
    {
        _process = process;
        Ports = ports;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The silo assembly beside the caller's own.</summary>
    private static string SiloAssembly => Path.Combine(AppContext.BaseDirectory, "OrleansKaitoScaler.Silo.dll");

    public ScalerPorts Ports { get; }

    /// <summary>KEDA's gRPC endpoint (plaintext).</summary>
    public Uri GrpcUrl => new($"http://127.0.0.1:{Ports.Grpc}");

    /// <summary>The HTTP port's root: <c>metrics</c>, <c>readyz</c>, <c>api/inferencesets</c> below it.</summary>
    public Uri MetricsUrl => new($"http://127.0.0.1:{Ports.Metrics}/");

    public int ProcessId => _process.Id;

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
    public static ScalerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(args);
        var ports = new ScalerPorts(FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssembly);
        foreach (var arg in (string[])[
            "--listen", "127.0.0.1",
            "--grpc-port", Text(ports.Grpc), "--metrics-port", Text(ports.Metrics), "--health-port", Text(ports.Health),
            "--silo-port", Text(ports.Silo), "--gateway-port", Text(ports.Gateway),
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

        return new ScalerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), ports);

        static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until <c>/readyz</c> answers 200, failing with the process's output if it exits or takes too long.</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri(MetricsUrl, "readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the silo was not ready at {MetricsUrl}readyz within {within}:{Environment.NewLine}{Output}");
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

/// <summary>A scaler process's five listeners: KEDA's gRPC, HTTP (metrics, probes, dashboard), gRPC health, Orleans silo and gateway.</summary>
public readonly record struct ScalerPorts(int Grpc, int Metrics, int Health, int Silo, int Gateway);
