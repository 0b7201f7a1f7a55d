namespace OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;

/// <summary>
/// An HTTP request as the API server understands it (its <c>RequestInfo</c>): the Kubernetes verb and, for resource
/// requests, the group, version, resource, subresource, namespace and name the path names.
/// </summary>
/// <param name="Method">The HTTP method: GET, POST, PUT, PATCH, DELETE.</param>
/// <param name="Path">The path, such as <c>/apis/kaito.sh/v1beta1/namespaces/default/inferencesets/phi-4-mini</c>.</param>
/// <param name="Query">The query string including its leading <c>?</c>, or empty.</param>
/// <param name="Verb">get, list, watch, create, update, patch, delete or deletecollection; for other paths the lower-case method.</param>
/// <param name="Group">The API group ("" for core) or null for paths outside <c>/api</c> and <c>/apis</c>.</param>
/// <param name="Version">The API version, or null.</param>
/// <param name="Resource">The plural resource (<c>inferencesets</c>), or null for discovery and other non-resource paths.</param>
/// <param name="Subresource">status, scale, or null.</param>
/// <param name="Namespace">The namespace in the path, or null.</param>
/// <param name="Name">The object's name in the path, or null for collections.</param>
/// <param name="ContentType">The request's Content-Type (tells merge, JSON and apply patches apart), or null.</param>
public sealed record ApiRequest(
    string Method,
    string Path,
    string Query,
    string Verb,
    string? Group,
    string? Version,
    string? Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    string? ContentType)
{
    /// <summary>True for requests about objects, false for discovery, <c>/version</c> and other paths.</summary>
    public bool IsResourceRequest => Resource is not null;
}
