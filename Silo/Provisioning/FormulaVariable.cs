using System.Text;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Turns a metric name into the identifier KEDA's formula language (expr-lang) accepts, used both as the trigger's
/// <c>name</c> and as the variable in <c>scalingModifiers.formula</c>: <c>vllm:num_requests_waiting</c> becomes
/// <c>vllm_num_requests_waiting</c>.
/// </summary>
internal static class FormulaVariable
{
    /// <summary>The readiness gate trigger's name; no metric may map to it.</summary>
    public const string ReadinessGate = "readiness_gate";

    /// <summary>
    /// Every character outside <c>[A-Za-z0-9_]</c> becomes <c>_</c> (one per character, as the Go scaler counts
    /// runes), and a leading digit gets a <c>_</c> prefix.
    /// </summary>
    public static string FromMetricName(string metricName)
    {
        ArgumentNullException.ThrowIfNull(metricName);
        var builder = new StringBuilder(metricName.Length + 1);
        var first = true;
        foreach (var rune in metricName.EnumerateRunes())
        {
            if (rune.IsAscii && (Rune.IsLetter(rune) || rune.Value == '_'))
            {
                builder.Append((char)rune.Value);
            }
            else if (rune.IsAscii && Rune.IsDigit(rune))
            {
                builder.Append(first ? "_" : string.Empty).Append((char)rune.Value);
            }
            else
            {
                builder.Append('_');
            }

            first = false;
        }

        return builder.ToString();
    }
}
