namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>A kind the scaler lists and watches cluster-wide, optionally narrowed by a label selector.</summary>
/// <param name="Group">API group, e.g. <c>kaito.sh</c>.</param>
/// <param name="Version">API version, e.g. <c>v1beta1</c>.</param>
/// <param name="Plural">Resource name in URLs, e.g. <c>inferencesets</c>.</param>
/// <param name="Kind">Kind, for logs.</param>
/// <param name="LabelSelector">Only objects matching this selector, or null for all.</param>
internal sealed record KubernetesResource(string Group, string Version, string Plural, string Kind, string? LabelSelector = null)
{
    /// <summary>KAITO InferenceSets.</summary>
    public static KubernetesResource InferenceSets(string version) => new("kaito.sh", version, "inferencesets", "InferenceSet");

    /// <summary>KAITO Workspaces that an InferenceSet created (others can never be scraped).</summary>
    public static KubernetesResource Workspaces(string version) =>
        new("kaito.sh", version, "workspaces", "Workspace", WorkspaceObject.CreatedByLabel);

    public override string ToString() => $"{Plural}.{Group}/{Version}";
}
