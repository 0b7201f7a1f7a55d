using System.Globalization;

/// <summary>Command-line options of the load driver, with defaults that finish in about a minute and a half.</summary>
internal sealed record LoadOptions(int Sets, int WorkspacesPerSet, TimeSpan ScrapeInterval, TimeSpan KedaPolling, TimeSpan Duration)
{
    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions(1000, 1, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            o = args[i] switch
            {
                "--inference-sets" => o with { Sets = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--workspaces" => o with { WorkspacesPerSet = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--scrape-interval" => o with { ScrapeInterval = TimeSpan.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--keda-polling" => o with { KedaPolling = TimeSpan.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--duration" => o with { Duration = TimeSpan.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option {args[i]}; known: --inference-sets --workspaces --scrape-interval --keda-polling --duration"),
            };
        }

        return o;
    }
}
