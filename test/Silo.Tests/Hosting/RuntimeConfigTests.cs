using System.Text.Json;

namespace OrleansKaitoScaler.Silo.Tests.Hosting;

/// <summary>The runtime settings the silo ships with, as its build writes them beside OrleansKaitoScaler.Silo.dll.</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void The_silo_ships_with_server_gc_and_idle_workers_that_do_not_spin()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "OrleansKaitoScaler.Silo.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
