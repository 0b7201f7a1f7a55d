using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>
/// Joins InferenceSets with the Workspaces they created into the snapshots grains read (SPEC.md §3): the
/// Workspaces of an InferenceSet are those in its namespace labelled <c>inferenceset.kaito.sh/created-by=&lt;name&gt;</c>,
/// each scraped through the Service of the same name. Not thread-safe: its owner serialises calls.
/// </summary>
internal sealed class KaitoInventoryIndex
{
    private readonly Dictionary<ObjectKey, InferenceSetObject> _sets = [];
    private readonly Dictionary<ObjectKey, WorkspaceObject> _workspaces = [];
    private readonly Dictionary<ObjectKey, SortedSet<string>> _members = [];

    /// <summary>The InferenceSets as last seen.</summary>
    public IReadOnlyCollection<InferenceSetObject> InferenceSets => _sets.Values;

    /// <summary>Replaces every InferenceSet (a full list).</summary>
    public void ResetInferenceSets(IEnumerable<InferenceSetObject> sets)
    {
        _sets.Clear();
        foreach (var set in sets)
        {
            _sets[set.Key] = set;
        }
    }

    /// <summary>Replaces every Workspace (a full list).</summary>
    public void ResetWorkspaces(IEnumerable<WorkspaceObject> workspaces)
    {
        _workspaces.Clear();
        _members.Clear();
        foreach (var workspace in workspaces)
        {
            Add(workspace);
        }
    }

    /// <summary>Adds or updates an InferenceSet; returns the one InferenceSet whose snapshot may have changed.</summary>
    public ObjectKey UpsertInferenceSet(InferenceSetObject set)
    {
        _sets[set.Key] = set;
        return set.Key;
    }

    /// <summary>Forgets an InferenceSet.</summary>
    public void RemoveInferenceSet(ObjectKey key) => _sets.Remove(key);

    /// <summary>Adds or updates a Workspace; returns the InferenceSets whose snapshots may have changed (old and new owner).</summary>
    public IReadOnlyList<ObjectKey> UpsertWorkspace(WorkspaceObject workspace)
    {
        var affected = RemoveWorkspace(workspace.Key).ToList();
        Add(workspace);
        if (Owner(workspace) is { } owner && !affected.Contains(owner))
        {
            affected.Add(owner);
        }

        return affected;
    }

    /// <summary>Forgets a Workspace; returns the InferenceSet it belonged to, if any.</summary>
    public IReadOnlyList<ObjectKey> RemoveWorkspace(ObjectKey key)
    {
        if (!_workspaces.Remove(key, out var old) || Owner(old) is not { } owner)
        {
            return [];
        }

        if (_members.TryGetValue(owner, out var names))
        {
            names.Remove(key.Name);
            if (names.Count == 0)
            {
                _members.Remove(owner);
            }
        }

        return [owner];
    }

    /// <summary>The InferenceSet as the grains should see it, or null when it does not exist.</summary>
    public InferenceSetSnapshot? Snapshot(ObjectKey key)
    {
        if (!_sets.TryGetValue(key, out var set))
        {
            return null;
        }

        var services = _members.TryGetValue(key, out var names)
            ? names.Select(name => new InferenceSetService(name, ServiceHost(key.Namespace, name), Port: null)).ToArray()
            : [];
        return new InferenceSetSnapshot(new InferenceSetKey(key.Namespace, key.Name), set.Ready, set.Replicas, set.ReadyReplicas, services);
    }

    /// <summary>Every InferenceSet's snapshot.</summary>
    public IEnumerable<InferenceSetSnapshot> Snapshots() => _sets.Keys.Select(key => Snapshot(key)!);

    /// <summary>The Go scaler's host name for a Workspace's Service; the scrape URL adds protocol, port and path.</summary>
    public static string ServiceHost(string @namespace, string workspace) => $"{workspace}.{@namespace}.svc.cluster.local";

    private void Add(WorkspaceObject workspace)
    {
        _workspaces[workspace.Key] = workspace;
        if (Owner(workspace) is { } owner)
        {
            if (!_members.TryGetValue(owner, out var names))
            {
                names = new SortedSet<string>(StringComparer.Ordinal);
                _members[owner] = names;
            }

            names.Add(workspace.Key.Name);
        }
    }

    private static ObjectKey? Owner(WorkspaceObject workspace) =>
        workspace.CreatedBy is { } name ? new ObjectKey(workspace.Key.Namespace, name) : null;
}
