namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>Whether an InferenceSet is active (its <c>Ready</c> condition is <c>True</c>), or why that cannot be said.</summary>
[GenerateSerializer, Immutable]
public readonly record struct ActivityAnswer(
    [property: Id(0)] ScalerOutcome Outcome,
    [property: Id(1)] bool IsActive,
    [property: Id(2)] string? Message)
{
    public static ActivityAnswer Of(bool isActive) => new(ScalerOutcome.Ok, isActive, null);

    public static ActivityAnswer NotFound(string message) => new(ScalerOutcome.NotFound, false, message);

    public static ActivityAnswer Unavailable(string message) => new(ScalerOutcome.Unavailable, false, message);
}
