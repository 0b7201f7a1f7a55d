using System.Globalization;
using OrleansKaitoScaler.TestSupport;

// Usage: dotnet run --project test/VllmSimulator -- [--ports 18001,18002] [--waiting 3]
// Change the queue of one replica while it runs: curl -X POST 'http://127.0.0.1:18001/control?waiting=12'
var ports = Option("--ports", "18001,18002").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
var waiting = double.Parse(Option("--waiting", "3"), CultureInfo.InvariantCulture);

var endpoints = new List<VllmEndpoint>();
foreach (var port in ports)
{
    var endpoint = await VllmEndpoint.StartAsync(port);
    endpoint.Metrics.Waiting = waiting;
    endpoints.Add(endpoint);
    Console.WriteLine($"vLLM simulator: http://127.0.0.1:{endpoint.Port}/metrics  (POST /control?waiting=N&running=N&kv=F&ttft=S&count=N)");
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

foreach (var endpoint in endpoints)
{
    await endpoint.DisposeAsync();
}

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
