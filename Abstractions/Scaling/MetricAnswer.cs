namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>A grain's answer to <see cref="MetricQuery"/>: a value when <see cref="Outcome"/> is <see cref="ScalerOutcome.Ok"/>, else a message saying why not.</summary>
[GenerateSerializer, Immutable]
public readonly record struct MetricAnswer(
    [property: Id(0)] ScalerOutcome Outcome,
    [property: Id(1)] double Value,
    [property: Id(2)] string? Message)
{
    public static MetricAnswer Of(double value) => new(ScalerOutcome.Ok, value, null);

    public static MetricAnswer Unavailable(string message) => new(ScalerOutcome.Unavailable, 0, message);

    public static MetricAnswer NotFound(string message) => new(ScalerOutcome.NotFound, 0, message);
}
