using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>Reads a path the way the API server's RequestInfoFactory does: group, version, namespace, resource, name, subresource.</summary>
internal static class ApiRequestParser
{
    // "/api/v1/namespaces/{name}/status" is the namespace's own subresource, not a collection called "status".
    private static readonly string[] s_namespaceSubresources = ["status", "finalize"];

    public static ApiRequest Parse(HttpRequest http)
    {
        var path = http.Path.Value is { Length: > 1 } p ? p.TrimEnd('/') : "/";
        var query = http.QueryString.Value ?? "";
        var contentType = http.ContentType;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var nonResource = new ApiRequest(http.Method, path, query, http.Method.ToLowerInvariant(), null, null, null, null, null, null, contentType);

        string group, version;
        string[] rest;
        if (segments is ["api", var coreVersion, ..])
        {
            (group, version, rest) = ("", coreVersion, segments[2..]);
        }
        else if (segments is ["apis", var named, var namedVersion, ..])
        {
            (group, version, rest) = (named, namedVersion, segments[3..]);
        }
        else
        {
            return nonResource;
        }

        if (rest.Length == 0)
        {
            return nonResource with { Group = group, Version = version };
        }

        string? @namespace = null;
        if (rest is ["namespaces", var ns, var next, ..] && !s_namespaceSubresources.Contains(next))
        {
            @namespace = ns;
            rest = rest[2..];
        }

        if (rest.Length > 3)
        {
            return nonResource with { Group = group, Version = version };
        }

        var resource = rest[0];
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        var verb = http.Method switch
        {
            "GET" or "HEAD" when name is not null => "get",
            "GET" or "HEAD" => IsTrue(http.Query["watch"]) ? "watch" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when name is not null => "delete",
            "DELETE" => "deletecollection",
            _ => http.Method.ToLowerInvariant(),
        };
        return new ApiRequest(http.Method, path, query, verb, group, version, resource, subresource, @namespace, name, contentType);
    }

    /// <summary>Go's strconv.ParseBool, which the server uses for boolean query parameters.</summary>
    public static bool IsTrue(string? value) => value is "1" or "t" or "T" or "true" or "TRUE" or "True";
}
