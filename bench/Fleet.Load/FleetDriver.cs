namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>The driver's entry point, callable from a test (the smoke test runs it with <c>--smoke</c>).</summary>
internal static class FleetDriver
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args is [ReplicaProcess.Flag, var count, "--capture", var capture])
        {
            await ReplicaProcess.ServeAsync(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), capture, Console.In, output);
            return 0;
        }

        if (args is [CallerProcess.Flag, .. var pacing])
        {
            await CallerProcess.ServeAsync(pacing, Console.In, output);
            return 0;
        }

        var options = FleetOptions.Parse(args);
        output.WriteLine($"Fleet.Load --mode {options.Mode}{(options.Smoke ? " --smoke" : "")}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
        if (options.Mode == "fleet")
        {
            await new FleetScale(options, output).RunAsync();
        }
        else
        {
            await new PrometheusComparison(options, output).RunAsync();
        }

        return 0;
    }
}
