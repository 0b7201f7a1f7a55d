using System.Globalization;
using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Selectors;
using OrleansKaitoScaler.KubernetesApiDouble.Yaml;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>
/// Everything the API server double holds, like etcd behind the real server: one global resourceVersion that every
/// write increments, a bounded history of writes for watches to resume from, and the open watches themselves.
/// <para>
/// Tests seed and inspect state through the public methods. These are writes like any other: they bump the
/// resourceVersion and reach watchers exactly as HTTP writes do. Unlike HTTP writes they may set <c>.status</c>
/// together with the rest of the object, so a test can seed what a controller would have written.
/// </para>
/// <para>
/// Objects are named by <c>apiVersion</c> and <c>kind</c> (<c>"kaito.sh/v1beta1", "InferenceSet"</c>); the plural
/// resource name works in place of the kind (<c>"kaito.sh/v1beta1", "inferencesets"</c>).
/// </para>
/// </summary>
public sealed partial class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly ResourceCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly TimeSpan _bookmarkInterval;
    private readonly EventHistory _history;
    private readonly Dictionary<ResourceKey, SortedDictionary<string, StoredObject>> _objects = [];
    private readonly List<WatchSubscription> _watches = [];
    private long _resourceVersion;
    private bool _closed;

    internal ObjectStore(ResourceCatalog catalog, KubernetesApiServerDoubleOptions options)
    {
        _catalog = catalog;
        _time = options.TimeProvider;
        _bookmarkInterval = options.BookmarkInterval;
        _history = new EventHistory(options.EventHistoryCapacity);
    }

    /// <summary>The current global resourceVersion: that of the latest write.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>
    /// Creates an object (namespace from <c>metadata.namespace</c>, default <c>default</c>) and returns it as stored.
    /// Throws <see cref="InvalidOperationException"/> with the Status message when the server would refuse it (409, 422…).
    /// </summary>
    public JsonObject Create(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = TypeOf(obj);
        return Create(type, NamespaceOf(type, obj), obj, dropStatus: false).OrThrow();
    }

    /// <summary>
    /// Creates every object of a YAML manifest (documents separated by <c>---</c>), as <c>kubectl create -f</c> would,
    /// and returns them as stored. Handy for seeding from fixture files.
    /// </summary>
    public IReadOnlyList<JsonObject> CreateFromYaml(string yaml) => YamlDocuments.Parse(yaml).Select(Create).ToArray();

    /// <summary>
    /// Replaces an object, spec and status alike. If <c>metadata.resourceVersion</c> is set it must be current (409 otherwise).
    /// </summary>
    public JsonObject Update(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = TypeOf(obj);
        var name = ObjectMetadata.Name(obj) ?? throw new ArgumentException("metadata.name is required", nameof(obj));
        return Update(type, NamespaceOf(type, obj), name, _ => (JsonObject)obj.DeepClone(), WriteTarget.Everything).OrThrow();
    }

    /// <summary>The object, or null when there is none. Pass a null namespace for cluster-scoped resources.</summary>
    public JsonObject? Get(string apiVersion, string kind, string? @namespace, string name) =>
        Find(Resolve(apiVersion, kind), @namespace, name);

    /// <summary>Every object of a resource, in one namespace or (null) in all of them.</summary>
    public IReadOnlyList<JsonObject> List(string apiVersion, string kind, string? @namespace = null) =>
        List(Resolve(apiVersion, kind), @namespace, ObjectFilter.Everything, limit: null, continueToken: null).OrThrow().Items;

    /// <summary>Deletes an object; false when there was none.</summary>
    public bool Delete(string apiVersion, string kind, string? @namespace, string name) =>
        Delete(Resolve(apiVersion, kind), @namespace, name, DeletePreconditions.None).Succeeded;

    /// <summary>
    /// Forgets the event history, as an etcd compaction does: a watch or continue token from any earlier resourceVersion
    /// then gets 410 Expired and a client must list again.
    /// </summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Compact(_resourceVersion);
        }
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion to every open watch that allowed bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.OfferBookmark(_resourceVersion);
            }
        }
    }

    private ResourceType Resolve(string apiVersion, string kind) =>
        _catalog.FindByApiVersion(apiVersion, kind)
        ?? throw new ArgumentException($"no resource '{kind}' is served in {apiVersion}; register its CustomResourceDefinition first", nameof(kind));

    private ResourceType TypeOf(JsonObject obj)
    {
        var apiVersion = ObjectMetadata.Text(obj["apiVersion"]) ?? throw new ArgumentException("apiVersion is required", nameof(obj));
        var kind = ObjectMetadata.Text(obj["kind"]) ?? throw new ArgumentException("kind is required", nameof(obj));
        return Resolve(apiVersion, kind);
    }

    private static string? NamespaceOf(ResourceType type, JsonObject obj) =>
        type.Namespaced ? ObjectMetadata.Namespace(obj) ?? "default" : null;

    private static string KeyOf(string? @namespace, string name) => @namespace is null ? name : $"{@namespace}/{name}";

    private SortedDictionary<string, StoredObject> Bucket(ResourceKey key)
    {
        if (!_objects.TryGetValue(key, out var bucket))
        {
            bucket = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            _objects[key] = bucket;
        }

        return bucket;
    }

    private string Now() => _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Text(long resourceVersion) => resourceVersion.ToString(CultureInfo.InvariantCulture);
}
