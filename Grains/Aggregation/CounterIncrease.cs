namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// How much a counter grew over a run of samples, as PromQL's <c>increase</c> counts it: a drop is a reset
/// (the process restarted from 0), so the new value is all growth since the reset.
/// </summary>
internal static class CounterIncrease
{
    public static double Of(IEnumerable<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double increase = 0;
        double? previous = null;
        foreach (var value in samples)
        {
            if (previous is { } p)
            {
                increase += value >= p ? value - p : value;
            }

            previous = value;
        }

        return increase;
    }
}
