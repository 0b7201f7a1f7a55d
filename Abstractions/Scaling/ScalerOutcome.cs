namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>
/// The domain outcome of a grain call. Grains return these instead of throwing for expected
/// conditions; the gateway maps them to gRPC status codes in one place.
/// </summary>
public enum ScalerOutcome
{
    /// <summary>The answer is good.</summary>
    Ok,

    /// <summary>No data to decide on yet (cold, stale, warming up, no endpoint answered): HPA should hold.</summary>
    Unavailable,

    /// <summary>The InferenceSet does not exist.</summary>
    NotFound,
}
