namespace OrleansKaitoScaler.Grains.State;

/// <summary>
/// What the state page shows for one InferenceSet, published by its grain after every scrape round into its
/// silo's <see cref="InferenceSetStateRegistry"/>, so listing thousands never calls a grain.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InferenceSetState(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Name,
    [property: Id(2)] string Silo,
    [property: Id(3)] bool Ready,
    [property: Id(4)] int? Replicas,
    [property: Id(5)] int? ReadyReplicas,
    [property: Id(6)] IReadOnlyList<EndpointState> Endpoints,
    [property: Id(7)] IReadOnlyList<TriggerState> Triggers,
    [property: Id(8)] int WindowRounds,
    [property: Id(9)] double WindowSpanSeconds,
    [property: Id(10)] DateTimeOffset? NewestSampleAt,
    [property: Id(11)] long WindowBytes,
    [property: Id(12)] DateTimeOffset UpdatedAt)
{
    /// <summary>True when any endpoint's last scrape failed.</summary>
    public bool HasErrors => Endpoints.Any(e => !e.Ok);
}

/// <summary>One endpoint's last scrape.</summary>
[GenerateSerializer, Immutable]
public sealed record EndpointState(
    [property: Id(0)] string Name,
    [property: Id(1)] string Url,
    [property: Id(2)] bool Ok,
    [property: Id(3)] double LatencyMs,
    [property: Id(4)] long Bytes,
    [property: Id(5)] string? Error);

/// <summary>One registered trigger: its current answer and what HPA would do with it.</summary>
[GenerateSerializer, Immutable]
public sealed record TriggerState(
    [property: Id(0)] string MetricName,
    [property: Id(1)] string Aggregation,
    [property: Id(2)] double Threshold,
    [property: Id(3)] string Status,
    [property: Id(4)] double? Value,
    [property: Id(5)] int? DesiredReplicas,
    [property: Id(6)] string? Message,
    [property: Id(7)] IReadOnlyList<double> Recent);
