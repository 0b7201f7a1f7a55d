using System.Globalization;
using System.Text.Json;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// KEDA's paced calls from a child process of their own (this driver, run with <c>--pace</c>), as KEDA's operator is a
/// process of its own: the caller's garbage collections and thread pool are then not those of the driver, which also
/// serves every replica's body. The child warms up (JIT, the HTTP/2 connection, pools) at the same pace first, then
/// says so, and measures when told to, writing its summary as one line.
/// </summary>
internal sealed class CallerProcess : IAsyncDisposable
{
    public const string Flag = "--pace";
    private const string WarmLine = "warm";
    private const string GoLine = "go";
    private const string ResultLine = "latency ";
    private readonly System.Diagnostics.Process _process;
    private readonly TimeSpan _span;

    private CallerProcess(System.Diagnostics.Process process, TimeSpan span) => (_process, _span) = (process, span);

    /// <summary>Which call to pace: <c>GetMetrics</c> (the sum trigger) or <c>GetMetricSpec</c> (asks no grain: the floor).</summary>
    public enum Call
    {
        GetMetrics,
        GetMetricSpec,
    }

    /// <summary>
    /// Starts the caller and returns once it has warmed up at the pace; <see cref="MeasureAsync"/> then runs the measured
    /// span, so the caller can read the silo's counters just before it.
    /// </summary>
    public static async Task<CallerProcess> StartAsync(Uri gateway, Call call, int sets, int perSecond, TimeSpan warmup, TimeSpan span)
    {
        var process = DriverChild.Start(
        [
            Flag, gateway.ToString(), call.ToString(), Text(sets), Text(perSecond),
            warmup.ToString("c", CultureInfo.InvariantCulture), span.ToString("c", CultureInfo.InvariantCulture),
        ]);
        try
        {
            await DriverChild.ReadAfterAsync(process, WarmLine, warmup + TimeSpan.FromMinutes(1));
            return new CallerProcess(process, span);
        }
        catch
        {
            await DriverChild.StopAsync(process);
            throw;
        }
    }

    /// <summary>The measured span: the child's latency summary, its own garbage collections included.</summary>
    public async Task<LatencySummary> MeasureAsync()
    {
        await _process.StandardInput.WriteLineAsync(GoLine);
        await _process.StandardInput.FlushAsync();
        var line = await DriverChild.ReadAfterAsync(_process, ResultLine, _span + TimeSpan.FromMinutes(1));
        return JsonSerializer.Deserialize<LatencySummary>(line) ?? throw new InvalidOperationException($"the caller wrote no summary: {line}");
    }

    public async ValueTask DisposeAsync() => await DriverChild.StopAsync(_process);

    /// <summary>The child's side, from its arguments after <see cref="Flag"/>: warm up, say so, wait for the go, measure.</summary>
    public static async Task ServeAsync(string[] arguments, TextReader input, TextWriter output)
    {
        if (arguments is not [var gateway, var name, var sets, var perSecond, var warmup, var span])
        {
            throw new ArgumentException($"{Flag} <gateway> <GetMetrics|GetMetricSpec> <sets> <calls per second> <warm-up> <span>");
        }

        using var keda = new KedaCaller([new Uri(gateway)], KedaCaller.QueueTrigger);
        Func<int, int, TimeSpan, Task<LatencySummary>> pace = Enum.Parse<Call>(name) == Call.GetMetrics ? keda.PaceAsync : keda.PaceMetricSpecAsync;
        var (count, rate) = (Int(sets), Int(perSecond));
        await pace(count, rate, Time(warmup));
        await output.WriteLineAsync(WarmLine);
        await output.FlushAsync();
        if (await input.ReadLineAsync() != GoLine)
        {
            return;
        }

        var summary = await pace(count, rate, Time(span));
        await output.WriteLineAsync(ResultLine + JsonSerializer.Serialize(summary));
        await output.FlushAsync();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static TimeSpan Time(string value) => TimeSpan.Parse(value, CultureInfo.InvariantCulture);
}
