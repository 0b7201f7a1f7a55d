using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>One served version of one resource: what discovery lists and what a URL like <c>/apis/{group}/{version}/{plural}</c> names.</summary>
internal sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public string Singular { get; init; } = Kind.ToLowerInvariant();

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>When true, writes to the main resource ignore <c>.status</c> and <c>/status</c> writes change only it.</summary>
    public bool HasStatusSubresource { get; init; }

    public ScaleSubresource? Scale { get; init; }

    /// <summary>Field paths a <c>fieldSelector</c> may name; anything else is a 400, as on the real server.</summary>
    public IReadOnlyList<string> SelectableFields { get; init; } = ["metadata.name", "metadata.namespace"];

    /// <summary>Pods, services and namespaces answer DELETE with the object; most other resources with a Success Status.</summary>
    public bool ReturnsDeletedObject { get; init; }

    /// <summary>The name of the CustomResourceDefinition that declared this type; null for built-ins.</summary>
    public string? DefinedBy { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind { get; init; } = Kind + "List";

    /// <summary>All versions of a resource share one storage, as with a CRD whose conversion strategy is None.</summary>
    public ResourceKey Key => new(Group, Plural);

    /// <summary>Labels an object with this version's apiVersion and kind: all versions share storage, only these differ on the wire.</summary>
    public JsonObject AsServed(JsonObject obj)
    {
        obj["apiVersion"] = ApiVersion;
        obj["kind"] = Kind;
        return obj;
    }

    /// <summary><c>inferencesets.kaito.sh</c> or <c>pods</c>: how error messages name the resource.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary><c>InferenceSet.kaito.sh</c> or <c>Pod</c>: how validation errors name the kind.</summary>
    public string GroupKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";
}
