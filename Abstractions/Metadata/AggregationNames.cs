using System.Diagnostics.CodeAnalysis;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>The spelling of each <see cref="Aggregation"/> in trigger metadata (<c>aggregation</c>) and annotations.</summary>
public static class AggregationNames
{
    public const string Sum = "sum";
    public const string ServiceAverage = "service-avg";
    public const string WindowedAverage = "windowed-avg";
    public const string Gate = "gate";
    public const string Rate = "rate";
    public const string Max = "max";
    public const string Quantile = "quantile";

    /// <summary>Every name, in the order they are documented.</summary>
    public static IReadOnlyList<string> All { get; } = [Sum, ServiceAverage, WindowedAverage, Gate, Rate, Max, Quantile];

    /// <summary>The metadata spelling of <paramref name="aggregation"/>.</summary>
    public static string NameOf(Aggregation aggregation) => aggregation switch
    {
        Aggregation.Sum => Sum,
        Aggregation.ServiceAverage => ServiceAverage,
        Aggregation.WindowedAverage => WindowedAverage,
        Aggregation.Gate => Gate,
        Aggregation.Rate => Rate,
        Aggregation.Max => Max,
        Aggregation.Quantile => Quantile,
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "not an aggregation"),
    };

    /// <summary>Reads a name, ignoring ASCII case (<c>Service-Avg</c> is <c>service-avg</c>).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out Aggregation aggregation)
    {
        foreach (var candidate in Enum.GetValues<Aggregation>())
        {
            if (string.Equals(name, NameOf(candidate), StringComparison.OrdinalIgnoreCase))
            {
                aggregation = candidate;
                return true;
            }
        }

        aggregation = default;
        return false;
    }
}
