// Load driver for issues 5 and 9: simulated vLLM replicas (one loopback port each, bodies padded with a real
// capture's families) scraped by the real scaler in standalone mode, as child processes so their CPU and memory are
// their own, and, in prometheus mode, by a real Prometheus beside it. Bounded: every part stops by itself.
using OrleansKaitoScaler.Fleet.Load;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(FleetOptions.Usage);
    return 0;
}

return await FleetDriver.RunAsync(args, Console.Out);
