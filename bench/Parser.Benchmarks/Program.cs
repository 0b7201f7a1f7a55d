using System.Diagnostics;
using BenchmarkDotNet.Running;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.Parser.Benchmarks;

// `--throughput` prints MB/s and allocated bytes per parse directly (a quick check, no BenchmarkDotNet run);
// anything else goes to BenchmarkDotNet, e.g. `-- --filter '*' --job short`.
if (args is ["--throughput", ..])
{
    var selection = FamilySelection.Of(["vllm:num_requests_waiting", "vllm:time_to_first_token_seconds"]);
    foreach (var name in CaptureFiles.Names)
    {
        var body = CaptureFiles.Read(name);
        // Warm up by time, not by count: tiered JIT replaces the first code only after a delay, and a few
        // thousand parses finish before it does.
        for (var warmUp = Stopwatch.StartNew(); warmUp.Elapsed < TimeSpan.FromSeconds(1);)
        {
            ExpositionParser.Parse(body, ExpositionFormat.PrometheusText, selection);
        }

        const int iterations = 20000;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            ExpositionParser.Parse(body, ExpositionFormat.PrometheusText, selection);
        }

        watch.Stop();
        var perParse = (GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations;
        var megabytesPerSecond = body.Length * (double)iterations / watch.Elapsed.TotalSeconds / 1e6;
        Console.WriteLine($"{name,-70} {body.Length,7} B  {megabytesPerSecond,8:0} MB/s  {perParse,6} B allocated/parse");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ParserBenchmarks).Assembly).Run(args);
