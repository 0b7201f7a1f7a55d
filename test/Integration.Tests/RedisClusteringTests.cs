using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// <c>Orleans:MembershipStore=redis</c>: two scaler processes with one real Redis form one Orleans cluster, with no
/// Kubernetes API at all (standalone mode), and a missing connection string stops start-up naming the key.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RedisClusteringTests
{
    [Fact]
    public async Task Two_scaler_processes_with_one_Redis_join_one_cluster_and_both_are_ready()
    {
        await using var redis = await RedisServer.StartAsync();
        var inventory = Inventory();
        await using var a = ScalerProcess.Start(new Dictionary<string, string>(), Arguments(inventory, redis.ConnectionString));
        await a.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var b = ScalerProcess.Start(new Dictionary<string, string>(), Arguments(inventory, redis.ConnectionString));
        await b.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var members = await Eventually.Get(
            async () => await MembersAsync(redis),
            rows => rows.Count(r => r.Contains("\"Status\":3,", StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(30),
            "two Active silos in the Redis membership table");
        Assert.Equal(2, members.Count);
    }

    [Fact]
    public async Task Redis_clustering_without_a_connection_string_stops_start_up_naming_the_key()
    {
        await using var silo = ScalerProcess.Start(new Dictionary<string, string>(), ["--inventory", Inventory(), "--Orleans:MembershipStore", "redis"]);

        await Eventually.True(() => silo.HasExited, TimeSpan.FromSeconds(60), "start-up stopped");
        Assert.Contains("Orleans:RedisConnectionString is required when Orleans:MembershipStore is redis", silo.Output, StringComparison.Ordinal);
    }

    private static string[] Arguments(string inventory, string redis) =>
        ["--inventory", inventory, "--Orleans:MembershipStore", "redis", "--Orleans:RedisConnectionString", redis];

    private static string Inventory()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("oks-redis-inventory-").FullName, "inventory.yaml");
        File.WriteAllText(path, "inferenceSets: []\n");
        return path;
    }

    /// <summary>The membership rows Orleans keeps in Redis: a hash of silo address → entry JSON (status 3 is Active), plus its Version.</summary>
    private static async Task<IReadOnlyList<string>> MembersAsync(RedisServer redis)
    {
        var keys = (await redis.CommandAsync("KEYS", "*")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = new List<string>();
        foreach (var key in keys)
        {
            if (await redis.CommandAsync("TYPE", key) != "hash")
            {
                continue;
            }

            var fields = (await redis.CommandAsync("HGETALL", key)).Split('\n');
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                if (fields[i] != "Version")
                {
                    rows.Add(fields[i + 1]);
                }
            }
        }

        return rows;
    }
}
