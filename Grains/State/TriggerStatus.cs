using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.State;

/// <summary>Names the state a trigger's answer puts it in, for the state page and the one log line per change.</summary>
public static class TriggerStatus
{
    /// <summary>The conditions the aggregators' <c>Unavailable</c> messages start with ("cold: …").</summary>
    private static readonly string[] s_conditions = ["cold", "stale", "warming up"];

    public static string Of(MetricAnswer answer) => answer.Outcome switch
    {
        ScalerOutcome.Ok => "ok",
        ScalerOutcome.NotFound => "not found",
        _ => s_conditions.FirstOrDefault(c => answer.Message?.StartsWith(c + ":", StringComparison.Ordinal) == true) ?? "unavailable",
    };
}
