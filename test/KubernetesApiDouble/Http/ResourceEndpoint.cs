using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>The verbs on a resource URL (get, list, create, update, delete, deletecollection); patch lives in <see cref="ResourcePatches"/>.</summary>
internal sealed class ResourceEndpoint(ObjectStore store)
{
    public async Task<ApiResponse> HandleAsync(ApiRequest request, ResourceType type, HttpRequest http, CancellationToken cancellationToken)
    {
        if (Misplaced(request, type) is { } misplaced)
        {
            return ApiResponse.From(misplaced);
        }

        // Refused rather than ignored: a dry run that silently wrote would mislead the test that sent it.
        if (http.Query.ContainsKey("dryRun"))
        {
            return ApiResponse.From(ApiError.BadRequest("dryRun is not supported by the Kubernetes API double"));
        }

        return request.Verb switch
        {
            "get" => Get(request, type),
            "list" => List(request, type, http.Query),
            "create" => await CreateAsync(request, type, http, cancellationToken),
            "update" => await UpdateAsync(request, type, http, cancellationToken),
            "patch" => await ResourcePatches.PatchAsync(store, request, type, http, cancellationToken),
            "delete" => await DeleteAsync(request, type, http, cancellationToken),
            "deletecollection" => DeleteCollection(request, type, http.Query),
            _ => ApiResponse.From(ApiError.MethodNotAllowed()),
        };
    }

    /// <summary>
    /// A URL that names a resource in the wrong scope (a namespaced object outside a namespace, a cluster-scoped one
    /// inside one) or an undeclared subresource is a 404, as on the real server.
    /// </summary>
    public static ApiError? Misplaced(ApiRequest request, ResourceType type)
    {
        var subresourceServed = request.Subresource switch
        {
            null => true,
            "status" => type.HasStatusSubresource,
            "scale" => type.Scale is not null,
            _ => false,
        };
        if (!subresourceServed || (!type.Namespaced && request.Namespace is not null))
        {
            return ApiError.NoSuchResource();
        }

        if (type.Namespaced && request.Namespace is null && request.Verb is not ("list" or "watch"))
        {
            return ApiError.NoSuchResource();
        }

        return request.Subresource is not null && request.Verb is not ("get" or "update" or "patch") ? ApiError.MethodNotAllowed() : null;
    }

    private ApiResponse Get(ApiRequest request, ResourceType type)
    {
        if (store.Find(type, request.Namespace, request.Name!) is not { } found)
        {
            return ApiResponse.From(ApiError.NotFound(type, request.Name!));
        }

        return ApiResponse.Ok(request.Subresource == "scale" ? type.Scale!.ToScale(found) : found);
    }

    private ApiResponse List(ApiRequest request, ResourceType type, IQueryCollection query)
    {
        var filter = QueryParameters.Filter(query, type);
        if (!filter.Succeeded)
        {
            return ApiResponse.From(filter.Error);
        }

        var page = store.List(type, request.Namespace, filter.Value, QueryParameters.Limit(query), query["continue"]);
        return ApiResponse.From(page, p => ListDocument(type, p.Items, p.ResourceVersion, p.Continue, p.RemainingItemCount));
    }

    private async Task<ApiResponse> CreateAsync(ApiRequest request, ResourceType type, HttpRequest http, CancellationToken cancellationToken)
    {
        var body = await RequestBodies.ReadObjectAsync(http, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResponse.From(body.Error);
        }

        return ApiResponse.From(store.Create(type, request.Namespace, body.Value, dropStatus: true), o => o, statusCode: 201);
    }

    private async Task<ApiResponse> UpdateAsync(ApiRequest request, ResourceType type, HttpRequest http, CancellationToken cancellationToken)
    {
        var body = await RequestBodies.ReadObjectAsync(http, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResponse.From(body.Error);
        }

        if (request.Subresource == "scale")
        {
            var scaled = store.Update(type, request.Namespace, request.Name!, current => type.Scale!.ApplyTo(current, body.Value), WriteTarget.Main);
            return ApiResponse.From(scaled, type.Scale!.ToScale);
        }

        var target = request.Subresource == "status" ? WriteTarget.Status : WriteTarget.Main;
        return ApiResponse.From(store.Update(type, request.Namespace, request.Name!, _ => body.Value, target), o => o);
    }

    private async Task<ApiResponse> DeleteAsync(ApiRequest request, ResourceType type, HttpRequest http, CancellationToken cancellationToken)
    {
        var preconditions = DeletePreconditions.None;
        if (http.ContentLength is > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            var options = await RequestBodies.ReadAsync(http, cancellationToken);
            if (options.Succeeded && options.Value["preconditions"] is JsonObject given)
            {
                preconditions = new DeletePreconditions(ObjectMetadata.Text(given["uid"]), ObjectMetadata.Text(given["resourceVersion"]));
            }
        }

        var deleted = store.Delete(type, request.Namespace, request.Name!, preconditions);
        return ApiResponse.From(deleted, o => type.ReturnsDeletedObject ? o : Success(type, o));
    }

    /// <summary>Deletes every matching object and answers with the list of what was deleted.</summary>
    private ApiResponse DeleteCollection(ApiRequest request, ResourceType type, IQueryCollection query)
    {
        var filter = QueryParameters.Filter(query, type);
        if (!filter.Succeeded)
        {
            return ApiResponse.From(filter.Error);
        }

        var doomed = store.List(type, request.Namespace, filter.Value, limit: null, continueToken: null).OrThrow().Items;
        var deleted = doomed
            .Select(o => store.Delete(type, ObjectMetadata.Namespace(o), ObjectMetadata.Name(o)!, DeletePreconditions.None))
            .Where(o => o.Succeeded)
            .Select(o => o.Value!)
            .ToArray();
        return ApiResponse.Ok(ListDocument(type, deleted, store.ResourceVersion, null, null));
    }

    public static JsonObject ListDocument(ResourceType type, IEnumerable<JsonObject> items, long resourceVersion, string? next, long? remaining)
    {
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (next is not null)
        {
            metadata["continue"] = next;
        }

        if (remaining is { } count)
        {
            metadata["remainingItemCount"] = count;
        }

        return new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        };
    }

    private static JsonObject Success(ResourceType type, JsonObject deleted)
    {
        var details = new JsonObject { ["name"] = ObjectMetadata.Name(deleted), ["kind"] = type.Plural, ["uid"] = ObjectMetadata.Uid(deleted) };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }
}
