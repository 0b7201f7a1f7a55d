using k8s;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>
/// Feeds the silo-local inventory from the Kubernetes API: one list+watch of InferenceSets and one of the
/// Workspaces they created, joined in memory. Grains never call the API; they read the inventory. The
/// inventory reports synced (and the health service serving) once both first lists are in.
/// </summary>
internal sealed partial class KubernetesInventoryFeeder : BackgroundService
{
    private readonly InferenceSetInventory _inventory;
    private readonly TimeProvider _time;
    private readonly ILogger<KubernetesInventoryFeeder> _logger;
    private readonly Lock _lock = new();
    private readonly KaitoInventoryIndex _index = new();
    private readonly ResourceInformer<InferenceSetObject> _sets;
    private readonly ResourceInformer<WorkspaceObject> _workspaces;
    private bool _setsListed;
    private bool _workspacesListed;

    public KubernetesInventoryFeeder(
        IKubernetes client,
        InferenceSetInventory inventory,
        IOptions<KubernetesOptions> options,
        TimeProvider time,
        ILogger<KubernetesInventoryFeeder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _inventory = inventory;
        _time = time;
        _logger = logger;
        var o = options.Value;
        _sets = new ResourceInformer<InferenceSetObject>(
            client, KubernetesResource.InferenceSets(o.KaitoApiVersion), InferenceSetObject.Parse, new SetHandler(this), o, time, logger);
        _workspaces = new ResourceInformer<WorkspaceObject>(
            client, KubernetesResource.Workspaces(o.KaitoApiVersion), WorkspaceObject.Parse, new WorkspaceHandler(this), o, time, logger);
    }

    /// <summary>Raised (under the feeder's lock, so in order) whenever an InferenceSet is added, changed or deleted (null object).</summary>
    public event Action<ObjectKey, InferenceSetObject?>? InferenceSetChanged;

    /// <summary>The InferenceSets as last listed or watched (none before the first list); a copy, safe from any thread.</summary>
    public IReadOnlyList<InferenceSetObject> InferenceSets()
    {
        lock (_lock)
        {
            return [.. _index.InferenceSets];
        }
    }

    /// <summary>The InferenceSet as last listed or watched, or null when it is not (or no longer) known.</summary>
    public InferenceSetObject? InferenceSet(ObjectKey key)
    {
        lock (_lock)
        {
            return _index.InferenceSets.FirstOrDefault(s => s.Key == key);
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_sets.RunAsync(stoppingToken), _workspaces.RunAsync(stoppingToken));

    private void Publish(IEnumerable<ObjectKey> keys)
    {
        if (!(_setsListed && _workspacesListed))
        {
            return;
        }

        foreach (var key in keys)
        {
            if (_index.Snapshot(key) is { } snapshot)
            {
                _inventory.Upsert(snapshot);
            }
            else
            {
                _inventory.Remove(new InferenceSetKey(key.Namespace, key.Name));
            }
        }

        _inventory.MarkSynced(_time.GetUtcNow());
    }

    private void PublishAll()
    {
        if (!(_setsListed && _workspacesListed))
        {
            return;
        }

        var first = !_inventory.IsSynced;
        _inventory.Replace(_index.Snapshots());
        _inventory.MarkSynced(_time.GetUtcNow());
        if (first)
        {
            Log.Synced(_logger, _inventory.All.Count);
        }
    }

    private void Current()
    {
        if (_inventory.IsSynced)
        {
            _inventory.MarkSynced(_time.GetUtcNow());
        }
    }

    private sealed class SetHandler(KubernetesInventoryFeeder feeder) : IInformerHandler<InferenceSetObject>
    {
        public void OnListed(IReadOnlyList<InferenceSetObject> objects)
        {
            lock (feeder._lock)
            {
                var before = feeder._index.InferenceSets.ToDictionary(s => s.Key);
                feeder._index.ResetInferenceSets(objects);
                feeder._setsListed = true;
                feeder.PublishAll();
                foreach (var set in objects)
                {
                    if (!before.Remove(set.Key, out var old) || old != set)
                    {
                        feeder.InferenceSetChanged?.Invoke(set.Key, set);
                    }
                }

                foreach (var gone in before.Keys)
                {
                    feeder.InferenceSetChanged?.Invoke(gone, null);
                }
            }
        }

        public void OnUpserted(InferenceSetObject value)
        {
            lock (feeder._lock)
            {
                feeder.Publish([feeder._index.UpsertInferenceSet(value)]);
                feeder.InferenceSetChanged?.Invoke(value.Key, value);
            }
        }

        public void OnDeleted(ObjectKey key)
        {
            lock (feeder._lock)
            {
                feeder._index.RemoveInferenceSet(key);
                feeder.Publish([key]);
                feeder.InferenceSetChanged?.Invoke(key, null);
            }
        }

        public void OnCurrent()
        {
            lock (feeder._lock)
            {
                feeder.Current();
            }
        }
    }

    private sealed class WorkspaceHandler(KubernetesInventoryFeeder feeder) : IInformerHandler<WorkspaceObject>
    {
        public void OnListed(IReadOnlyList<WorkspaceObject> objects)
        {
            lock (feeder._lock)
            {
                feeder._index.ResetWorkspaces(objects);
                feeder._workspacesListed = true;
                feeder.PublishAll();
            }
        }

        public void OnUpserted(WorkspaceObject value)
        {
            lock (feeder._lock)
            {
                feeder.Publish(feeder._index.UpsertWorkspace(value));
            }
        }

        public void OnDeleted(ObjectKey key)
        {
            lock (feeder._lock)
            {
                feeder.Publish(feeder._index.RemoveWorkspace(key));
            }
        }

        public void OnCurrent()
        {
            lock (feeder._lock)
            {
                feeder.Current();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "The Kubernetes inventory is synced: {Count} InferenceSets")]
        public static partial void Synced(ILogger logger, int count);
    }
}
