using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Reads the composite form: the <c>scaledobject.kaito.sh/metrics</c> YAML list and the global tuning annotations.
/// Checks run combinepolicy, then each metric (its fields, then whether its formula variable is free), then the
/// windows, as the Go scaler does; the first problem is reported, naming the annotation, metric index and field.
/// </summary>
internal static class CompositeMetricsParser
{
    public const int DefaultEvaluationWindowSeconds = 60;
    public const int DefaultScaleUpCooldownSeconds = 300;
    public const int DefaultScaleDownCooldownSeconds = 300;

    public static bool TryParse(
        string metricsYaml,
        IReadOnlyDictionary<string, string> annotations,
        [NotNullWhen(true)] out CompositeScaling? scaling,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        scaling = null;
        if (AutoProvisioningParser.Given(annotations, CombinePolicy) is { } policy && !string.Equals(policy, "AND", StringComparison.OrdinalIgnoreCase))
        {
            error = $"{CombinePolicy} must be \"AND\", got \"{policy}\"";
            return false;
        }

        if (!TryReadList(metricsYaml, out var entries, out error))
        {
            return false;
        }

        var metrics = new List<CompositeMetric>(entries.Count);
        var variables = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!MetricEntryParser.TryParse(entries[i], $"{Metrics}[{i}]", out var metric, out error))
            {
                return false;
            }

            // Two metrics on one variable would make the formula ambiguous, and KEDA refuses duplicate trigger names;
            // the readiness gate's trigger takes its name too.
            if (metric.Variable == FormulaVariable.ReadinessGate)
            {
                error = $"{Metrics}[{i}].name \"{metric.Name}\" maps to formula variable \"{metric.Variable}\", which is reserved for the readiness gate";
                return false;
            }

            if (variables.TryGetValue(metric.Variable, out var earlier))
            {
                error = $"{Metrics}[{i}].name \"{metric.Name}\" maps to formula variable \"{metric.Variable}\", as does {Metrics}[{earlier}] (\"{metrics[earlier].Name}\")";
                return false;
            }

            variables.Add(metric.Variable, i);
            metrics.Add(metric);
        }

        if (!TryReadSeconds(annotations, EvaluationWindow, DefaultEvaluationWindowSeconds, out var evaluationWindow, out error)
            || !TryReadSeconds(annotations, ScaleUpCooldown, DefaultScaleUpCooldownSeconds, out var scaleUpCooldown, out error)
            || !TryReadSeconds(annotations, ScaleDownCooldown, DefaultScaleDownCooldownSeconds, out var scaleDownCooldown, out error))
        {
            return false;
        }

        scaling = new CompositeScaling(metrics, evaluationWindow, scaleUpCooldown, scaleDownCooldown);
        return true;
    }

    private static bool TryReadList(string yaml, [NotNullWhen(true)] out IReadOnlyList<YamlNode>? entries, [NotNullWhen(false)] out string? error)
    {
        entries = null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            error = FormattableString.Invariant($"{Metrics} is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
            return false;
        }

        if (stream.Documents.Count > 1)
        {
            error = $"{Metrics} must be one YAML document, not {stream.Documents.Count.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }

        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        if (root is null || (root is YamlScalarNode scalar && YamlScalar.Classify(scalar) == YamlScalarKind.Null))
        {
            error = $"{Metrics} must list at least one metric";
            return false;
        }

        if (root is not YamlSequenceNode sequence)
        {
            error = $"{Metrics} must be a YAML list of metrics ({{name, type, upthreshold, downthreshold}})";
            return false;
        }

        if (sequence.Children.Count == 0)
        {
            error = $"{Metrics} must list at least one metric";
            return false;
        }

        entries = [.. sequence.Children];
        error = null;
        return true;
    }

    /// <summary>A global seconds annotation: a whole number from 0 to int32's maximum, or the default when not given.</summary>
    private static bool TryReadSeconds(IReadOnlyDictionary<string, string> annotations, string key, int defaultSeconds, out int seconds, [NotNullWhen(false)] out string? error)
    {
        seconds = defaultSeconds;
        error = null;
        if (AutoProvisioningParser.Given(annotations, key) is not { } text)
        {
            return true;
        }

        if (!AutoProvisioningParser.TryParseWholeNumber(text, out var value) || value is < 0 or > int.MaxValue)
        {
            error = $"{key} must be a whole number of seconds from 0 to 2147483647, got \"{text}\"";
            return false;
        }

        seconds = (int)value;
        return true;
    }
}
