using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>Create, update and delete, with the metadata rules the real registry applies.</summary>
public sealed partial class ObjectStore
{
    private const string Modified = "the object has been modified; please apply your changes to the latest version and try again";

    internal Outcome<JsonObject> Create(ResourceType type, string? @namespace, JsonObject body, bool dropStatus)
    {
        var obj = (JsonObject)body.DeepClone();
        if (Check(type, obj, @namespace) is { } invalid)
        {
            return invalid;
        }

        var metadata = (JsonObject)obj["metadata"]!;
        var name = ObjectMetadata.Text(metadata["name"]);
        var generateName = ObjectMetadata.Text(metadata["generateName"]);
        if (name is null && generateName is null)
        {
            return ApiError.Invalid(type, "", "metadata.name: Required value: name or generateName is required");
        }

        if (name is not null && !IsValidName(name))
        {
            return ApiError.Invalid(type, name, $"metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of "
                + "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }

        if (dropStatus && type.HasStatusSubresource)
        {
            obj.Remove("status");
        }

        lock (_gate)
        {
            var bucket = Bucket(type.Key);
            name ??= UniqueName(generateName!, @namespace, bucket);
            if (bucket.ContainsKey(KeyOf(@namespace, name)))
            {
                return ApiError.AlreadyExists(type, name);
            }

            var resourceVersion = _resourceVersion + 1;
            metadata["name"] = name;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["resourceVersion"] = Text(resourceVersion);
            metadata["generation"] = 1;
            metadata["creationTimestamp"] = Now();
            metadata.Remove("deletionTimestamp");
            if (PrepareForWrite(type, type.AsServed(obj), creating: true) is { } refused)
            {
                return refused;
            }

            _resourceVersion = resourceVersion;
            var stored = new StoredObject(obj, @namespace, name, resourceVersion);
            bucket[stored.Key] = stored;
            OnStored(type, obj);
            Publish(new StoredEvent(resourceVersion, WatchEventType.Added, type.Key, stored, null));
            return obj;
        }
    }

    /// <summary>
    /// Replaces an object with what <paramref name="propose"/> makes of the current one (a PUT body, a patched copy).
    /// A proposal carrying a resourceVersion other than the current one is a 409; an update that changes nothing is
    /// a no-op that keeps the resourceVersion and sends no event, as on the real server.
    /// </summary>
    internal Outcome<JsonObject> Update(ResourceType type, string? @namespace, string name, Func<JsonObject, Outcome<JsonObject>> propose, WriteTarget target)
    {
        lock (_gate)
        {
            var bucket = Bucket(type.Key);
            if (!bucket.TryGetValue(KeyOf(@namespace, name), out var stored))
            {
                return ApiError.NotFound(type, name);
            }

            var current = type.AsServed(stored.Thaw());
            var proposal = propose((JsonObject)current.DeepClone());
            if (!proposal.Succeeded)
            {
                return proposal.Error;
            }

            var proposed = proposal.Value;
            if (Check(type, proposed, @namespace) is { } invalid)
            {
                return invalid;
            }

            if (ObjectMetadata.Name(proposed) is { } proposedName && proposedName != name)
            {
                return ApiError.BadRequest($"the name of the object ({proposedName}) does not match the name on the URL ({name})");
            }

            if (ObjectMetadata.ResourceVersion(proposed) is { } expected && expected != Text(stored.ResourceVersion))
            {
                return ApiError.Conflict(type, name, Modified);
            }

            var next = target switch
            {
                WriteTarget.Status => WithStatusOf(current, proposed),
                WriteTarget.Main when type.HasStatusSubresource => WithStatusOf(proposed, current),
                _ => proposed,
            };
            var metadata = (JsonObject)next["metadata"]!;
            foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp" })
            {
                metadata[field] = current["metadata"]![field]?.DeepClone();
                if (metadata[field] is null)
                {
                    metadata.Remove(field);
                }
            }

            var generation = current["metadata"]!["generation"]?.GetValue<long>() ?? 1;
            metadata["generation"] = SpecDiffers(type, current, next) ? generation + 1 : generation;
            if (PrepareForWrite(type, type.AsServed(next), creating: false) is { } refused)
            {
                return refused;
            }

            if (JsonNode.DeepEquals(current, next))
            {
                return current;
            }

            var resourceVersion = ++_resourceVersion;
            metadata["resourceVersion"] = Text(resourceVersion);
            var updated = new StoredObject(next, @namespace, name, resourceVersion);
            bucket[updated.Key] = updated;
            OnStored(type, next);
            Publish(new StoredEvent(resourceVersion, WatchEventType.Modified, type.Key, updated, stored));
            return next;
        }
    }

    internal Outcome<JsonObject> Delete(ResourceType type, string? @namespace, string name, DeletePreconditions preconditions)
    {
        lock (_gate)
        {
            if (!Bucket(type.Key).TryGetValue(KeyOf(@namespace, name), out var stored))
            {
                return ApiError.NotFound(type, name);
            }

            var current = stored.Thaw();
            if (preconditions.Uid is { } uid && uid != ObjectMetadata.Uid(current))
            {
                return ApiError.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {ObjectMetadata.Uid(current)}");
            }

            if (preconditions.ResourceVersion is { } rv && rv != Text(stored.ResourceVersion))
            {
                return ApiError.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {Text(stored.ResourceVersion)}");
            }

            var deleted = Remove(type.Key, stored);
            OnDeleted(type, deleted);
            return type.AsServed(deleted);
        }
    }

    /// <summary>Removes an object under the lock; the DELETED event carries the object at the deletion's resourceVersion.</summary>
    private JsonObject Remove(ResourceKey key, StoredObject stored)
    {
        var resourceVersion = ++_resourceVersion;
        var obj = stored.Thaw();
        obj["metadata"]!["resourceVersion"] = Text(resourceVersion);
        var gone = new StoredObject(obj, stored.Namespace, stored.Name, resourceVersion);
        _objects[key].Remove(stored.Key);
        Publish(new StoredEvent(resourceVersion, WatchEventType.Deleted, key, gone, stored));
        return obj;
    }

    /// <summary>What the request body must satisfy whatever the verb: an object of this kind in this namespace.</summary>
    private static ApiError? Check(ResourceType type, JsonObject obj, string? @namespace)
    {
        if (ObjectMetadata.Text(obj["kind"]) is { } kind && kind != type.Kind)
        {
            return ApiError.BadRequest($"the kind of the provided object ({kind}) does not match the resource ({type.GroupResource}, kind {type.Kind})");
        }

        switch (obj["metadata"])
        {
            case null:
                obj["metadata"] = new JsonObject();
                break;
            case not JsonObject:
                return ApiError.BadRequest("metadata: must be an object");
        }

        var metadata = (JsonObject)obj["metadata"]!;
        if (!type.Namespaced)
        {
            metadata.Remove("namespace");
            return null;
        }

        if (ObjectMetadata.Text(metadata["namespace"]) is { } given && given != @namespace)
        {
            return ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        metadata["namespace"] = @namespace;
        return null;
    }

    /// <summary>
    /// Generation counts changes to the desired state: everything but metadata, and but status where status has its own subresource.
    /// </summary>
    private static bool SpecDiffers(ResourceType type, JsonObject before, JsonObject after)
    {
        static JsonObject Desired(JsonObject obj, bool withoutStatus)
        {
            var copy = (JsonObject)obj.DeepClone();
            copy.Remove("metadata");
            copy.Remove("apiVersion");
            copy.Remove("kind");
            if (withoutStatus)
            {
                copy.Remove("status");
            }

            return copy;
        }

        return !JsonNode.DeepEquals(Desired(before, type.HasStatusSubresource), Desired(after, type.HasStatusSubresource));
    }

    private static JsonObject WithStatusOf(JsonObject target, JsonObject statusSource)
    {
        var result = (JsonObject)target.DeepClone();
        result.Remove("status");
        if (statusSource["status"] is { } status)
        {
            result["status"] = status.DeepClone();
        }

        return result;
    }

    private static string UniqueName(string prefix, string? @namespace, SortedDictionary<string, StoredObject> bucket)
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var stem = prefix.Length > 58 ? prefix[..58] : prefix;
        while (true)
        {
            var suffix = string.Create(5, 0, (span, _) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
                }
            });
            if (!bucket.ContainsKey(KeyOf(@namespace, stem + suffix)))
            {
                return stem + suffix;
            }
        }
    }

    private static bool IsValidName(string name) => name.Length <= 253 && DnsSubdomain().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
