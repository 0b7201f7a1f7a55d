using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Silo.Standalone;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Standalone;

public sealed class InventoryFileWatcherTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("oks-inv-").FullName;
    private readonly InferenceSetInventory _inventory = new();

    private string FilePath => Path.Combine(_directory, "inventory.yaml");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private InventoryFileWatcher Watcher() => new(
        _inventory,
        Options.Create(new StandaloneOptions { Inventory = FilePath, PollInterval = TimeSpan.FromMilliseconds(50) }),
        TimeProvider.System,
        NullLogger<InventoryFileWatcher>.Instance);

    private static string One(string name, bool ready) => $"inferenceSets:\n  - {{namespace: default, name: {name}, ready: {(ready ? "true" : "false")}}}\n";

    [Fact]
    public async Task Loads_before_start_completes_and_applies_later_edits()
    {
        await File.WriteAllTextAsync(FilePath, One("phi-4", ready: false));
        using var watcher = Watcher();

        await watcher.StartAsync(CancellationToken.None);
        Assert.True(_inventory.IsSynced);
        Assert.True(_inventory.TryGet(new InferenceSetKey("default", "phi-4"), out var before));

        await File.WriteAllTextAsync(FilePath, One("phi-4", ready: true));
        await Eventually.True(() => _inventory.TryGet(new InferenceSetKey("default", "phi-4"), out var s) && s.Ready, what: "reload");
        await watcher.StopAsync(CancellationToken.None);

        Assert.False(before.Ready);
    }

    [Fact]
    public async Task A_broken_edit_keeps_the_last_good_inventory()
    {
        await File.WriteAllTextAsync(FilePath, One("phi-4", ready: true));
        using var watcher = Watcher();
        await watcher.StartAsync(CancellationToken.None);

        await File.WriteAllTextAsync(FilePath, "inferenceSets:\n  - name: missing-namespace\n");
        await Task.Delay(300);
        await File.WriteAllTextAsync(FilePath, One("llama", ready: true));
        await Eventually.True(() => _inventory.TryGet(new InferenceSetKey("default", "llama"), out _), what: "good edit after a broken one");
        await watcher.StopAsync(CancellationToken.None);

        Assert.False(_inventory.TryGet(new InferenceSetKey("default", "phi-4"), out _));
    }

    [Fact]
    public async Task The_broken_edit_itself_changes_nothing()
    {
        await File.WriteAllTextAsync(FilePath, One("phi-4", ready: true));
        using var watcher = Watcher();
        await watcher.StartAsync(CancellationToken.None);
        var changes = 0;
        using var watch = _inventory.Watch(new InferenceSetKey("default", "phi-4"), _ => Interlocked.Increment(ref changes));

        await File.WriteAllTextAsync(FilePath, "inferenceSets: [ {namespace: default\n");
        await Task.Delay(400);
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(0, changes);
        Assert.True(_inventory.TryGet(new InferenceSetKey("default", "phi-4"), out _));
    }

    [Fact]
    public async Task A_missing_file_stops_start_up_naming_the_file()
    {
        using var watcher = Watcher();

        var error = await Assert.ThrowsAsync<InventoryFileException>(() => watcher.StartAsync(CancellationToken.None));

        Assert.Contains(FilePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("--inventory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_file_at_start_stops_start_up_with_the_reason()
    {
        await File.WriteAllTextAsync(FilePath, "inferenceSets:\n  - {namespace: n, name: a, replicas: lots}\n");
        using var watcher = Watcher();

        var error = await Assert.ThrowsAsync<InventoryFileException>(() => watcher.StartAsync(CancellationToken.None));

        Assert.Contains("inferenceSets[0].replicas", error.Message, StringComparison.Ordinal);
    }
}
