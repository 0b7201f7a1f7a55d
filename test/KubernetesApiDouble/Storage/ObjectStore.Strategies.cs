using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>
/// What the real registry does for particular resources on top of plain storage: a namespace is born Active with its
/// name label and takes its contents with it when deleted; a CustomResourceDefinition starts or stops serving its API.
/// </summary>
public sealed partial class ObjectStore
{
    private ApiError? PrepareForWrite(ResourceType type, JsonObject obj, bool creating)
    {
        if (type.Key == BuiltInResources.Namespaces.Key)
        {
            var metadata = (JsonObject)obj["metadata"]!;
            if (metadata["labels"] is not JsonObject labels)
            {
                labels = [];
                metadata["labels"] = labels;
            }

            labels["kubernetes.io/metadata.name"] = ObjectMetadata.Name(obj);
            if (creating && obj["status"] is null)
            {
                obj["status"] = new JsonObject { ["phase"] = "Active" };
            }
        }

        if (type.Key == BuiltInResources.CustomResourceDefinitions.Key)
        {
            var definition = CustomResourceDefinitions.Read(obj);
            if (!definition.Succeeded)
            {
                return definition.Error;
            }

            if (obj["status"] is null)
            {
                obj["status"] = EstablishedStatus(obj);
            }
        }

        return null;
    }

    private void OnStored(ResourceType type, JsonObject obj)
    {
        if (type.Key == BuiltInResources.CustomResourceDefinitions.Key)
        {
            _catalog.Define(ObjectMetadata.Name(obj)!, CustomResourceDefinitions.Read(obj).OrThrow());
        }
    }

    /// <summary>
    /// Deleting a namespace deletes what is in it, and deleting a CRD deletes its objects and its API. The real server
    /// does both asynchronously (Terminating first); here it happens at once, each removal a DELETED event.
    /// </summary>
    private void OnDeleted(ResourceType type, JsonObject deleted)
    {
        if (type.Key == BuiltInResources.Namespaces.Key)
        {
            var name = ObjectMetadata.Name(deleted);
            foreach (var (key, bucket) in _objects)
            {
                foreach (var stored in bucket.Values.Where(o => o.Namespace == name).ToArray())
                {
                    Remove(key, stored);
                }
            }
        }

        if (type.Key == BuiltInResources.CustomResourceDefinitions.Key)
        {
            _catalog.Remove(ObjectMetadata.Name(deleted)!);
            var spec = deleted["spec"];
            var key = new ResourceKey(spec?["group"]?.GetValue<string>() ?? "", spec?["names"]?["plural"]?.GetValue<string>() ?? "");
            if (_objects.TryGetValue(key, out var bucket))
            {
                foreach (var stored in bucket.Values.ToArray())
                {
                    Remove(key, stored);
                }
            }
        }
    }

    private JsonObject EstablishedStatus(JsonObject crd)
    {
        var now = Now();
        var storage = (crd["spec"]?["versions"] as JsonArray ?? [])
            .FirstOrDefault(v => v?["storage"] is JsonValue s && s.TryGetValue<bool>(out var yes) && yes)?["name"]?.DeepClone();
        return new JsonObject
        {
            ["acceptedNames"] = crd["spec"]?["names"]?.DeepClone(),
            ["conditions"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "NamesAccepted",
                    ["status"] = "True",
                    ["lastTransitionTime"] = now,
                    ["reason"] = "NoConflicts",
                    ["message"] = "no conflicts found",
                },
                new JsonObject
                {
                    ["type"] = "Established",
                    ["status"] = "True",
                    ["lastTransitionTime"] = now,
                    ["reason"] = "InitialNamesAccepted",
                    ["message"] = "the initial names have been accepted",
                }),
            ["storedVersions"] = storage is null ? new JsonArray() : new JsonArray(storage),
        };
    }
}
