using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;
using OrleansKaitoScaler.KubernetesApiDouble.Patching;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>
/// PATCH, chosen by Content-Type: JSON merge patch, JSON patch (RFC 6902), strategic merge patch (applied as a merge
/// patch) and server-side apply (applied as create-or-merge: no field ownership, no conflicts, and fields dropped from
/// the applied configuration are not removed). Anything else is a 415.
/// </summary>
internal static class ResourcePatches
{
    private const string ApplyPatch = "application/apply-patch+yaml";

    public static async Task<ApiResponse> PatchAsync(ObjectStore store, ApiRequest request, ResourceType type, HttpRequest http, CancellationToken cancellationToken)
    {
        var mediaType = RequestBodies.MediaType(http.ContentType);
        Func<JsonObject, JsonNode, Outcome<JsonObject>>? apply = mediaType switch
        {
            "application/merge-patch+json" or "application/strategic-merge-patch+json" or ApplyPatch => Merge,
            "application/json-patch+json" => JsonPatch.Apply,
            _ => null,
        };
        if (apply is null)
        {
            return ApiResponse.From(ApiError.UnsupportedMediaType(http.ContentType));
        }

        var body = await RequestBodies.ReadAsync(http, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResponse.From(body.Error);
        }

        var patch = body.Value;
        var scale = request.Subresource == "scale" ? type.Scale : null;
        Outcome<JsonObject> Propose(JsonObject current)
        {
            if (scale is null)
            {
                return apply(current, patch);
            }

            var scaled = apply(scale.ToScale(current), patch);
            return scaled.Succeeded ? scale.ApplyTo(current, scaled.Value) : scaled.Error;
        }

        var target = request.Subresource == "status" ? WriteTarget.Status : WriteTarget.Main;
        var patched = store.Update(type, request.Namespace, request.Name!, Propose, target);
        if (mediaType == ApplyPatch && patched.Error is { Code: 404 } && request.Subresource is null && patch is JsonObject applied)
        {
            return ApiResponse.From(store.Create(type, request.Namespace, WithName(applied, request.Name!), dropStatus: true), o => o, statusCode: 201);
        }

        return scale is null ? ApiResponse.From(patched, o => o) : ApiResponse.From(patched, scale.ToScale);
    }

    private static Outcome<JsonObject> Merge(JsonObject current, JsonNode patch) =>
        patch is JsonObject
            ? (JsonObject)JsonMergePatch.Apply(current, patch)!
            : ApiError.BadRequest("a merge patch must be a JSON object");

    private static JsonObject WithName(JsonObject applied, string name)
    {
        var obj = (JsonObject)applied.DeepClone();
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            obj["metadata"] = metadata;
        }

        metadata["name"] ??= name;
        return obj;
    }
}
