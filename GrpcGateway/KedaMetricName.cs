namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>How KEDA spells a trigger's metric on the wire.</summary>
internal static class KedaMetricName
{
    /// <summary>
    /// Removes the <c>s{triggerIndex}-</c> prefix KEDA gives a trigger's metric in the HPA. KEDA strips it
    /// before calling <c>GetMetrics</c>; a request that still carries it (an older KEDA, a hand-made call)
    /// is stripped here. A Prometheus family name cannot contain <c>-</c>, so the prefix is never part of one.
    /// </summary>
    public static string WithoutTriggerIndex(string metricName)
    {
        ArgumentNullException.ThrowIfNull(metricName);
        if (metricName.Length < 3 || metricName[0] != 's')
        {
            return metricName;
        }

        var i = 1;
        while (i < metricName.Length && char.IsAsciiDigit(metricName[i]))
        {
            i++;
        }

        return i > 1 && i < metricName.Length && metricName[i] == '-' ? metricName[(i + 1)..] : metricName;
    }
}
