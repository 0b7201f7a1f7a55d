using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Selectors;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>Reads: one object, or a page of a list in key (namespace/name) order, as etcd returns them.</summary>
public sealed partial class ObjectStore
{
    private const string ContinueTooOld =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

    internal JsonObject? Find(ResourceType type, string? @namespace, string name)
    {
        lock (_gate)
        {
            return Bucket(type.Key).TryGetValue(KeyOf(@namespace, name), out var stored) ? type.AsServed(stored.Thaw()) : null;
        }
    }

    /// <summary>
    /// A page of up to <paramref name="limit"/> matching objects after the continue token's key. Later pages read the
    /// current state rather than a snapshot at the first page's resourceVersion (a simplification), but report that
    /// resourceVersion, and expire with 410 once the history is compacted past it.
    /// </summary>
    internal Outcome<ListPage> List(ResourceType type, string? @namespace, ObjectFilter filter, int? limit, string? continueToken)
    {
        lock (_gate)
        {
            var listVersion = _resourceVersion;
            var startAfter = "";
            if (!string.IsNullOrEmpty(continueToken))
            {
                if (ContinueToken.Decode(continueToken) is not { } token)
                {
                    return ApiError.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
                }

                if (!_history.CanResumeFrom(token.ResourceVersion))
                {
                    return ApiError.Expired(ContinueTooOld);
                }

                (listVersion, startAfter) = token;
            }

            var matching = Bucket(type.Key).Values
                .Where(o => string.CompareOrdinal(o.Key, startAfter) > 0)
                .Where(o => @namespace is null || o.Namespace == @namespace)
                .Select(o => type.AsServed(o.Thaw()))
                .Where(filter.Matches)
                .ToList();
            if (limit is not { } max || max <= 0 || matching.Count <= max)
            {
                return new ListPage(matching, listVersion, null, null);
            }

            var page = matching[..max];
            var last = page[^1];
            var next = ContinueToken.Encode(listVersion, KeyOf(ObjectMetadata.Namespace(last), ObjectMetadata.Name(last)!));
            return new ListPage(page, listVersion, next, filter.IsEverything ? matching.Count - max : null);
        }
    }
}
