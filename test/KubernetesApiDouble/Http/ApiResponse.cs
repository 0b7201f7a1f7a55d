using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>An answer: HTTP status and JSON body, plus Retry-After for throttling answers.</summary>
internal sealed record ApiResponse(int StatusCode, JsonNode Body)
{
    public int? RetryAfterSeconds { get; init; }

    public static ApiResponse Ok(JsonNode body) => new(200, body);

    public static ApiResponse Created(JsonNode body) => new(201, body);

    public static ApiResponse From(ApiError error) => new(error.Code, error.ToStatus()) { RetryAfterSeconds = error.RetryAfterSeconds };

    public static ApiResponse From<T>(Outcome<T> outcome, Func<T, JsonNode> body, int statusCode = 200)
        where T : class =>
        outcome.Succeeded ? new ApiResponse(statusCode, body(outcome.Value)) : From(outcome.Error);
}
