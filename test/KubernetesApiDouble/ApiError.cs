using System.Text.Json.Nodes;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble;

/// <summary>
/// A failure as the API server reports it: an HTTP code plus a <c>v1 Status</c> whose reason clients switch on.
/// Messages and details follow the real server's wording so that code matching on them behaves the same here.
/// </summary>
internal sealed record ApiError(int Code, string Reason, string Message)
{
    public string? Name { get; init; }

    public string? Group { get; init; }

    /// <summary>For NotFound, AlreadyExists and Conflict the real server puts the resource (plural) here, not the kind.</summary>
    public string? Kind { get; init; }

    public int? RetryAfterSeconds { get; init; }

    public JsonObject ToStatus()
    {
        var details = new JsonObject();
        if (Name is not null)
        {
            details["name"] = Name;
        }

        if (!string.IsNullOrEmpty(Group))
        {
            details["group"] = Group;
        }

        if (Kind is not null)
        {
            details["kind"] = Kind;
        }

        if (RetryAfterSeconds is { } seconds)
        {
            details["retryAfterSeconds"] = seconds;
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
            ["details"] = details,
            ["code"] = Code,
        };
    }

    public static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found") { Name = name, Group = type.Group, Kind = type.Plural };

    public static ApiError AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists") { Name = name, Group = type.Group, Kind = type.Plural };

    public static ApiError Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {why}") { Name = name, Group = type.Group, Kind = type.Plural };

    public static ApiError Invalid(ResourceType type, string name, string why) =>
        new(422, "Invalid", $"{type.GroupKind} \"{name}\" is invalid: {why}") { Name = name, Group = type.Group, Kind = type.Kind };

    /// <summary>A request that is well-formed but cannot be carried out, such as a JSON patch whose <c>test</c> fails.</summary>
    public static ApiError Unprocessable(string message) => new(422, "Invalid", message);

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError Expired(string message) => new(410, "Expired", message);

    public static ApiError NoSuchResource() => new(404, "NotFound", "the server could not find the requested resource");

    public static ApiError MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    public static ApiError UnsupportedMediaType(string? contentType) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format ({contentType ?? "none"}) - accepted media types include: "
            + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml");

    /// <summary>The Status a real server would send with <paramref name="code"/>, for injected faults.</summary>
    public static ApiError ForStatusCode(int code, TimeSpan? retryAfter)
    {
        var seconds = retryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : (int?)null;
        return code switch
        {
            429 => new(429, "TooManyRequests", "Too many requests, please try again later.") { RetryAfterSeconds = seconds ?? 1 },
            500 => new(500, "InternalError", "Internal error occurred: injected fault"),
            503 => new(503, "ServiceUnavailable", "The server is currently unable to handle the request (injected fault)") { RetryAfterSeconds = seconds },
            504 => new(504, "Timeout", "The server was unable to return a response in the time allotted (injected fault)"),
            401 => new(401, "Unauthorized", "Unauthorized"),
            403 => new(403, "Forbidden", "forbidden (injected fault)"),
            404 => new(404, "NotFound", "the server could not find the requested resource (injected fault)"),
            409 => new(409, "Conflict", "the object has been modified (injected fault)"),
            410 => new(410, "Expired", "the resource version is too old (injected fault)"),
            _ => new(code, "Unknown", $"injected fault {code}") { RetryAfterSeconds = seconds },
        };
    }
}
