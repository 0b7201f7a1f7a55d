using System.Text.Json;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>A <c>kaito.sh</c> Workspace as the scaler sees it: which InferenceSet created it (SPEC.md §3).</summary>
/// <param name="Key">Namespace and name; the Service to scrape has the same name.</param>
/// <param name="CreatedBy">The <c>inferenceset.kaito.sh/created-by</c> label: the owning InferenceSet's name, in the same namespace.</param>
internal sealed record WorkspaceObject(ObjectKey Key, string? CreatedBy)
{
    /// <summary>The label that ties a Workspace to the InferenceSet that created it (the Go scaler's selector).</summary>
    public const string CreatedByLabel = "inferenceset.kaito.sh/created-by";

    /// <summary>Reads a Workspace from its JSON.</summary>
    public static WorkspaceObject Parse(JsonElement json)
    {
        var labels = KubernetesJsonFields.StringMap(KubernetesJsonFields.Child(json, "metadata"), "labels", "metadata.labels");
        return new WorkspaceObject(
            KubernetesJsonFields.Key(json),
            labels.TryGetValue(CreatedByLabel, out var owner) && owner.Length > 0 ? owner : null);
    }
}
