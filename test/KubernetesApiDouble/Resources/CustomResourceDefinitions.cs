using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>Reads an <c>apiextensions.k8s.io/v1 CustomResourceDefinition</c> into the resource types it serves.</summary>
internal static class CustomResourceDefinitions
{
    /// <summary>One <see cref="ResourceType"/> per version marked <c>served: true</c>, or why the definition is invalid.</summary>
    public static Outcome<IReadOnlyList<ResourceType>> Read(JsonObject crd)
    {
        var name = Text(crd["metadata"]?["name"]) ?? "";
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var group = Text(spec?["group"]);
        var plural = Text(names?["plural"]);
        var kind = Text(names?["kind"]);
        if (group is null || plural is null || kind is null)
        {
            return Invalid(name, "spec.group, spec.names.plural and spec.names.kind: Required value");
        }

        if (name != $"{plural}.{group}")
        {
            return Invalid(name, $"metadata.name: Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        }

        var scope = Text(spec!["scope"]) ?? "Namespaced";
        if (scope is not ("Namespaced" or "Cluster"))
        {
            return Invalid(name, $"spec.scope: Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"");
        }

        var served = new List<ResourceType>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(version["name"]) is not { } versionName)
            {
                return Invalid(name, "spec.versions[].name: Required value");
            }

            if (version["served"] is JsonValue isServed && isServed.TryGetValue<bool>(out var yes) && yes)
            {
                served.Add(ReadVersion(crd, group, versionName, version, names!, scope == "Namespaced"));
            }
        }

        return served.Count > 0 ? served : Invalid(name, "spec.versions: Invalid value: must have at least one served version");
    }

    private static ResourceType ReadVersion(JsonObject crd, string group, string version, JsonObject spec, JsonObject names, bool namespaced)
    {
        var plural = Text(names["plural"])!;
        var kind = Text(names["kind"])!;
        var subresources = spec["subresources"] as JsonObject;
        var scale = subresources?["scale"] is JsonObject s && Text(s["specReplicasPath"]) is { } specPath && Text(s["statusReplicasPath"]) is { } statusPath
            ? new ScaleSubresource(specPath, statusPath, Text(s["labelSelectorPath"]))
            : null;
        var selectable = (spec["selectableFields"] as JsonArray ?? [])
            .Select(field => Text(field?["jsonPath"])?.TrimStart('.'))
            .OfType<string>();
        return new ResourceType(group, version, plural, kind, namespaced)
        {
            Singular = Text(names["singular"]) ?? kind.ToLowerInvariant(),
            ListKind = Text(names["listKind"]) ?? kind + "List",
            ShortNames = Strings(names["shortNames"]),
            Categories = Strings(names["categories"]),
            HasStatusSubresource = subresources?["status"] is JsonObject,
            Scale = scale,
            SelectableFields = namespaced
                ? ["metadata.name", "metadata.namespace", .. selectable]
                : ["metadata.name", .. selectable],
            DefinedBy = Text(crd["metadata"]?["name"]),
        };
    }

    private static ApiError Invalid(string name, string why) =>
        new(422, "Invalid", $"CustomResourceDefinition.apiextensions.k8s.io \"{name}\" is invalid: {why}")
        {
            Name = name,
            Group = "apiextensions.k8s.io",
            Kind = "CustomResourceDefinition",
        };

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(Text).OfType<string>().ToArray() : [];
}
