using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Yaml;
using YamlDotNet.Core;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>
/// Reads request bodies. JSON everywhere, YAML where the server takes it (apply patches, and creates sent as YAML);
/// protobuf is refused with 415, which makes clients that offer it fall back to JSON.
/// </summary>
internal static class RequestBodies
{
    public static async Task<Outcome<JsonNode>> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var mediaType = MediaType(http.ContentType);
        if (mediaType.Contains("protobuf", StringComparison.Ordinal))
        {
            return ApiError.UnsupportedMediaType(http.ContentType);
        }

        using var reader = new StreamReader(http.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ApiError.BadRequest("the request body is empty");
        }

        if (mediaType is "application/yaml" or "application/apply-patch+yaml")
        {
            try
            {
                return YamlDocuments.Parse(text) is [var single] ? single : ApiError.BadRequest("the YAML body must hold exactly one object");
            }
            catch (YamlException e)
            {
                return ApiError.BadRequest($"error converting YAML to JSON: {e.Message}");
            }
        }

        try
        {
            return JsonNode.Parse(text) is { } node ? node : ApiError.BadRequest("the request body is null");
        }
        catch (JsonException e)
        {
            return ApiError.BadRequest($"error decoding the request body: {e.Message}");
        }
    }

    /// <summary>An object body (create, update), rejecting arrays and scalars.</summary>
    public static async Task<Outcome<JsonObject>> ReadObjectAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(http, cancellationToken);
        return !body.Succeeded ? body.Error
            : body.Value is JsonObject obj ? obj
            : ApiError.BadRequest("the request body must be a JSON object");
    }

    /// <summary>The media type without parameters, lower-cased: <c>application/merge-patch+json</c>.</summary>
    public static string MediaType(string? contentType) =>
        (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
}
