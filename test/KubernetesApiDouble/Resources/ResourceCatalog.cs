namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>The resource types being served: the built-ins plus every version of every stored CustomResourceDefinition.</summary>
internal sealed class ResourceCatalog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<ResourceType>> _byDefinition = new(StringComparer.Ordinal);
    private IReadOnlyList<ResourceType> _all = BuiltInResources.All;

    /// <summary>Serves (or re-serves, after an update) the versions of one CRD.</summary>
    public void Define(string definitionName, IReadOnlyList<ResourceType> versions)
    {
        lock (_gate)
        {
            _byDefinition[definitionName] = versions;
            Rebuild();
        }
    }

    public void Remove(string definitionName)
    {
        lock (_gate)
        {
            if (_byDefinition.Remove(definitionName))
            {
                Rebuild();
            }
        }
    }

    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return _all;
            }
        }
    }

    public ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>By apiVersion and kind, or apiVersion and plural (so callers can name a resource either way).</summary>
    public ResourceType? FindByApiVersion(string apiVersion, string kindOrPlural) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && (t.Kind == kindOrPlural || t.Plural == kindOrPlural));

    /// <summary>The versions of a group, best first.</summary>
    public IReadOnlyList<string> VersionsOf(string group) =>
        All.Where(t => t.Group == group).Select(t => t.Version).Distinct().Order(KubeVersionOrder.Instance).ToArray();

    /// <summary>Every named group (not the core group), built-ins first in their fixed order, then CRD groups by name.</summary>
    public IReadOnlyList<string> Groups()
    {
        var all = All;
        var builtIn = BuiltInResources.All.Select(t => t.Group).Where(g => g.Length > 0).Distinct();
        var custom = all.Where(t => t.DefinedBy is not null).Select(t => t.Group).Distinct().Order(StringComparer.Ordinal);
        return builtIn.Concat(custom).Distinct().ToArray();
    }

    private void Rebuild() => _all = [.. BuiltInResources.All, .. _byDefinition.Values.SelectMany(v => v)];
}
