using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>
/// The legacy (unaggregated) discovery documents and <c>/version</c>, enough for kubectl and client libraries to map
/// kinds and short names to URLs. Requests for aggregated discovery get these too, labelled plain
/// <c>application/json</c>, which clients take as "this server does not aggregate" and fall back per group.
/// </summary>
internal sealed class DiscoveryDocuments(ResourceCatalog catalog, Uri baseAddress, string gitVersion)
{
    private static readonly string[] s_objectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] s_subresourceVerbs = ["get", "patch", "update"];

    public ApiResponse Answer(ApiRequest request) =>
        request.Path switch
        {
            "/api" => ApiResponse.Ok(CoreVersions()),
            "/apis" => ApiResponse.Ok(GroupList()),
            "/version" => ApiResponse.Ok(Version()),
            "/openapi/v3" => ApiResponse.Ok(new JsonObject { ["paths"] = new JsonObject() }),
            _ when request is { Group: { } group, Version: { } version, Resource: null } => ResourceList(group, version),
            _ when request.Path.StartsWith("/apis/", StringComparison.Ordinal) && request.Path.Count(c => c == '/') == 2 => Group(request.Path[6..]),
            _ => ApiResponse.From(ApiError.NoSuchResource()),
        };

    private JsonObject CoreVersions() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = baseAddress.Authority,
        }),
    };

    private JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(catalog.Groups().Select(g => (JsonNode)GroupDocument(g)).ToArray()),
    };

    private ApiResponse Group(string group) =>
        catalog.VersionsOf(group).Count > 0
            ? ApiResponse.Ok(GroupDocument(group, standalone: true))
            : ApiResponse.From(ApiError.NoSuchResource());

    private JsonObject GroupDocument(string group, bool standalone = false)
    {
        var versions = catalog.VersionsOf(group)
            .Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v })
            .ToArray();
        var document = standalone ? new JsonObject { ["kind"] = "APIGroup", ["apiVersion"] = "v1" } : [];
        document["name"] = group;
        document["versions"] = new JsonArray(versions);
        document["preferredVersion"] = versions[0].DeepClone();
        return document;
    }

    private ApiResponse ResourceList(string group, string version)
    {
        var types = catalog.All.Where(t => t.Group == group && t.Version == version).ToArray();
        if (types.Length == 0)
        {
            return ApiResponse.From(ApiError.NoSuchResource());
        }

        var resources = new JsonArray();
        foreach (var type in types)
        {
            resources.Add(Resource(type));
            if (type.HasStatusSubresource)
            {
                resources.Add(Subresource(type, "status", type.Kind));
            }

            if (type.Scale is not null)
            {
                var scale = Subresource(type, "scale", "Scale");
                scale["group"] = "autoscaling";
                scale["version"] = "v1";
                resources.Add(scale);
            }
        }

        return ApiResponse.Ok(new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        });
    }

    private static JsonObject Resource(ResourceType type)
    {
        var resource = new JsonObject
        {
            ["name"] = type.Plural,
            ["singularName"] = type.Singular,
            ["namespaced"] = type.Namespaced,
            ["kind"] = type.Kind,
            ["verbs"] = Array(s_objectVerbs),
        };
        if (type.ShortNames.Count > 0)
        {
            resource["shortNames"] = Array(type.ShortNames);
        }

        if (type.Categories.Count > 0)
        {
            resource["categories"] = Array(type.Categories);
        }

        return resource;
    }

    private static JsonObject Subresource(ResourceType type, string name, string kind) => new()
    {
        ["name"] = $"{type.Plural}/{name}",
        ["singularName"] = "",
        ["namespaced"] = type.Namespaced,
        ["kind"] = kind,
        ["verbs"] = Array(s_subresourceVerbs),
    };

    private JsonObject Version()
    {
        var parts = gitVersion.TrimStart('v').Split('.');
        return new JsonObject
        {
            ["major"] = parts[0],
            ["minor"] = parts.Length > 1 ? parts[1] : "0",
            ["gitVersion"] = gitVersion,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-04-23T00:00:00Z",
            ["goVersion"] = "go1.24.2",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}

