namespace OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;

/// <summary>One request the server answered: what was asked, the HTTP status it got and when.</summary>
/// <param name="Request">The request.</param>
/// <param name="StatusCode">The HTTP status; for a watch, the status the stream opened with.</param>
/// <param name="Timestamp">When the answer was decided, from the server's <see cref="TimeProvider"/>.</param>
public sealed record RequestRecord(ApiRequest Request, int StatusCode, DateTimeOffset Timestamp);
