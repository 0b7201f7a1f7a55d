using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Silo.Standalone;

/// <summary>
/// Feeds the inventory from the standalone YAML file: loaded before the host serves (a bad file stops start-up
/// with the reason), then reloaded on every change. A broken edit is logged and the last good inventory kept.
/// </summary>
internal sealed partial class InventoryFileWatcher(
    InferenceSetInventory inventory,
    IOptions<StandaloneOptions> options,
    TimeProvider time,
    ILogger<InventoryFileWatcher> logger) : BackgroundService
{
    /// <summary>How long a changed file must stay the same before it is applied.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(100);

    private readonly string _path = Resolve(options.Value.Inventory);
    private TaskCompletionSource _changed = NewSignal();
    private string? _loaded;

    /// <summary>The absolute path of the file being watched.</summary>
    public string FilePath => _path;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = File.ReadAllText(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InventoryFileException($"cannot read the inventory file '{_path}' (--inventory / Standalone:Inventory): {e.Message}", e);
        }

        try
        {
            Apply(text);
        }
        catch (InventoryFileException e)
        {
            throw new InventoryFileException($"inventory file '{_path}': {e.Message}", e);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => Signal();
        watcher.Created += (_, _) => Signal();
        watcher.Renamed += (_, _) => Signal();
        watcher.EnableRaisingEvents = true;

        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = _changed;
            try
            {
                // A change notification wakes the loop at once; the poll catches any the watcher missed.
                await Task.WhenAny(changed.Task, Task.Delay(options.Value.PollInterval, time, stoppingToken));
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (changed.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _changed, NewSignal(), changed);
            }

            await ReloadAsync(stoppingToken);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal() => Volatile.Read(ref _changed).TrySetResult();

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        string? text = Read();
        if (text is not null)
        {
            inventory.MarkSynced(time.GetUtcNow());
        }

        if (text is null || text == _loaded)
        {
            return;
        }

        // Editors and scripts often truncate and then write: apply only content that has stopped changing,
        // so a half-written file never empties the inventory for a moment.
        string? settled;
        while ((settled = await ReadAfterAsync(SettleTime, cancellationToken)) != text)
        {
            if (settled is null)
            {
                return;
            }

            text = settled;
        }

        try
        {
            Apply(text);
        }
        catch (InventoryFileException e)
        {
            Log.ReloadRejected(logger, _path, e.Message);
            _loaded = text;
        }
    }

    private string? Read()
    {
        try
        {
            return File.ReadAllText(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.ReadFailed(logger, _path, e.Message);
            return null;
        }
    }

    private async Task<string?> ReadAfterAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, time, cancellationToken);
        return Read();
    }

    private void Apply(string text)
    {
        var snapshots = InventoryFile.Parse(text);
        inventory.Replace(snapshots);
        inventory.MarkSynced(time.GetUtcNow());
        _loaded = text;
        Log.Loaded(logger, _path, snapshots.Count);
    }

    private static string Resolve(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var fromWorkingDirectory = Path.GetFullPath(path);
        var fromApp = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(fromWorkingDirectory) || !File.Exists(fromApp) ? fromWorkingDirectory : fromApp;
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Information, "Inventory {Path}: {Count} InferenceSet(s) loaded")]
        public static partial void Loaded(ILogger logger, string path, int count);

        [LoggerMessage(2002, LogLevel.Error, "Inventory {Path} not applied, keeping the previous one: {Reason}")]
        public static partial void ReloadRejected(ILogger logger, string path, string reason);

        [LoggerMessage(2003, LogLevel.Warning, "Inventory {Path} could not be read, keeping the previous one: {Reason}")]
        public static partial void ReadFailed(ILogger logger, string path, string reason);
    }
}
