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
    private readonly string _path = Resolve(options.Value.Inventory);
    private readonly SemaphoreSlim _changed = new(0, 1);
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
            try
            {
                await _changed.WaitAsync(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Reload();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private void Signal()
    {
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: one reload covers both changes.
            }
        }
    }

    private void Reload()
    {
        string text;
        try
        {
            text = File.ReadAllText(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.ReadFailed(logger, _path, e.Message);
            return;
        }

        if (text == _loaded)
        {
            return;
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

    private void Apply(string text)
    {
        var snapshots = InventoryFile.Parse(text);
        inventory.Replace(snapshots);
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
