namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>The resources served without any CRD: the few a scaler, a leader election and an event recorder touch.</summary>
internal static class BuiltInResources
{
    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false)
    {
        ShortNames = ["ns"],
        HasStatusSubresource = true,
        ReturnsDeletedObject = true,
        SelectableFields = ["metadata.name", "status.phase"],
    };

    public static readonly ResourceType CustomResourceDefinitions =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false)
        {
            ShortNames = ["crd", "crds"],
            Categories = ["api-extensions"],
            HasStatusSubresource = true,
            SelectableFields = ["metadata.name"],
        };

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces,
        new("", "v1", "pods", "Pod", Namespaced: true)
        {
            ShortNames = ["po"],
            Categories = ["all"],
            HasStatusSubresource = true,
            ReturnsDeletedObject = true,
            SelectableFields =
            [
                "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
            ],
        },
        new("", "v1", "services", "Service", Namespaced: true)
        {
            ShortNames = ["svc"],
            Categories = ["all"],
            HasStatusSubresource = true,
            ReturnsDeletedObject = true,
        },
        new("", "v1", "events", "Event", Namespaced: true)
        {
            ShortNames = ["ev"],
            SelectableFields =
            [
                "metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                "reason", "reportingComponent", "source", "type",
            ],
        },
        new("", "v1", "configmaps", "ConfigMap", Namespaced: true) { ShortNames = ["cm"] },
        new("", "v1", "secrets", "Secret", Namespaced: true) { SelectableFields = ["metadata.name", "metadata.namespace", "type"] },
        new("", "v1", "serviceaccounts", "ServiceAccount", Namespaced: true) { ShortNames = ["sa"] },
        new("events.k8s.io", "v1", "events", "Event", Namespaced: true) { ShortNames = ["ev"] },
        new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true),
        CustomResourceDefinitions,
    ];
}
