using System.Diagnostics.CodeAnalysis;
using YamlDotNet.RepresentationModel;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Reads one entry of <c>scaledobject.kaito.sh/metrics</c>: <c>{name, type, source?, upthreshold, downthreshold,
/// metriccachewindow?}</c>, checked in the Go scaler's order; each problem names the entry's path and field.
/// Beyond the Go scaler: <c>type: counter</c> (aggregated as <c>rate</c>) and an optional per-metric
/// <c>aggregation</c> (<c>max</c> for a gauge, <c>quantile</c> with <c>quantile: q</c> for a histogram).
/// </summary>
/// <remarks>
/// The entry is typed YAML, as the Go scaler decodes it: thresholds are YAML numbers (a quoted <c>"10"</c> is a
/// string, and refused), field names match without regard to case (Go's JSON decoding) and unknown fields are ignored.
/// </remarks>
internal static class MetricEntryParser
{
    public const string ModelPodSource = "modelpod";
    public const int DefaultCacheWindowSeconds = 300;

    /// <summary>The scaler refuses a longer <c>metricCacheWindow</c> (windows live in memory), so none is written.</summary>
    public const int MaxCacheWindowSeconds = 86_400;

    /// <summary>The quantile a <c>quantile</c> aggregation uses when the entry gives none (the scaler's default too).</summary>
    public const double DefaultQuantile = 0.95;

    private static readonly string[] Fields = ["name", "type", "source", "upthreshold", "downthreshold", "metriccachewindow", "aggregation", "quantile"];

    public static bool TryParse(YamlNode node, string path, [NotNullWhen(true)] out CompositeMetric? metric, [NotNullWhen(false)] out string? error)
    {
        metric = null;
        if (node is not YamlMappingNode mapping)
        {
            error = $"{path} must be a mapping with name, type, upthreshold and downthreshold";
            return false;
        }

        if (!TryCollectFields(mapping, path, out var fields, out error))
        {
            return false;
        }

        if (!TryReadString(fields, "name", path, out var name, out error) || string.IsNullOrWhiteSpace(name))
        {
            error ??= $"{path}.name is required";
            return false;
        }

        if (!TryReadString(fields, "type", path, out var type, out error) || type is not ("gauge" or "histogram" or "counter"))
        {
            error ??= $"{path}.type must be \"gauge\", \"histogram\" or \"counter\", got {(type is null ? "nothing" : $"\"{type}\"")}";
            return false;
        }

        if (!TryReadString(fields, "source", path, out var source, out error) || source is not (null or ModelPodSource))
        {
            error ??= $"{path}.source must be \"{ModelPodSource}\", got \"{source}\"";
            return false;
        }

        if (!TryReadThreshold(fields, "upthreshold", path, out var up, out error)
            || !TryReadThreshold(fields, "downthreshold", path, out var down, out error))
        {
            return false;
        }

        if (down > up)
        {
            error = $"{path}.downthreshold ({ScalingFormula.PlainNumber(down)}) must not exceed upthreshold ({ScalingFormula.PlainNumber(up)})";
            return false;
        }

        var kind = type switch { "gauge" => MetricKind.Gauge, "histogram" => MetricKind.Histogram, _ => MetricKind.Counter };
        if (!TryReadCacheWindow(fields, kind, path, out var window, out error)
            || !TryReadAggregation(fields, kind, path, out var aggregation, out error)
            || !TryReadQuantile(fields, aggregation, path, out var quantile, out error))
        {
            return false;
        }

        metric = new CompositeMetric(name, FormulaVariable.FromMetricName(name), kind, source ?? ModelPodSource, up, down, window, aggregation, quantile);
        return true;
    }

    /// <summary>The entry's <c>aggregation</c>, one its type allows; null when absent (the type's default applies).</summary>
    private static bool TryReadAggregation(Dictionary<string, YamlNode> fields, MetricKind kind, string path, out string? aggregation, [NotNullWhen(false)] out string? error)
    {
        if (!TryReadString(fields, "aggregation", path, out aggregation, out var notString))
        {
            error = notString ?? $"{path}.aggregation must be a string";
            return false;
        }

        error = null;
        var allowed = CompositeMetric.AllowedAggregations(kind);
        if (aggregation is not null && !allowed.Contains(aggregation, StringComparer.Ordinal))
        {
            error = $"{path}.aggregation must be {string.Join(" or ", allowed.Select(a => $"\"{a}\""))} for a {kind.ToString().ToLowerInvariant()}, got \"{aggregation}\"";
            return false;
        }

        return true;
    }

    /// <summary>The <c>quantile</c>: only with <c>aggregation: quantile</c>, a number strictly between 0 and 1 (default 0.95).</summary>
    private static bool TryReadQuantile(Dictionary<string, YamlNode> fields, string? aggregation, string path, out double? quantile, [NotNullWhen(false)] out string? error)
    {
        quantile = aggregation == "quantile" ? DefaultQuantile : null;
        error = null;
        const string field = "quantile";
        if (!fields.TryGetValue(field, out var node) || node is YamlScalarNode s && YamlScalar.Classify(s) == YamlScalarKind.Null)
        {
            return true;
        }

        if (aggregation != "quantile")
        {
            error = $"{path}.{field} is only valid with aggregation: quantile";
            return false;
        }

        var kind = node is YamlScalarNode scalar ? YamlScalar.Classify(scalar) : YamlScalarKind.String;
        var value = kind is YamlScalarKind.Integer or YamlScalarKind.Float ? YamlScalar.ToDouble((YamlScalarNode)node) : double.NaN;
        if (!(value is > 0 and < 1))
        {
            error = $"{path}.{field} must be a number between 0 and 1 (exclusive), got {YamlScalar.Describe(node)}";
            return false;
        }

        quantile = value;
        return true;
    }

    private static bool TryCollectFields(YamlMappingNode mapping, string path, out Dictionary<string, YamlNode> fields, [NotNullWhen(false)] out string? error)
    {
        fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            var field = key is null ? null : Array.Find(Fields, f => string.Equals(f, key, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                continue;
            }

            if (!fields.TryAdd(field, value))
            {
                error = $"{path}.{field} is given twice";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>A string field; null when absent or YAML null. A number, boolean, list or mapping is an error.</summary>
    private static bool TryReadString(Dictionary<string, YamlNode> fields, string field, string path, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!fields.TryGetValue(field, out var node) || node is YamlScalarNode s && YamlScalar.Classify(s) == YamlScalarKind.Null)
        {
            return true;
        }

        if (node is YamlScalarNode scalar && YamlScalar.Classify(scalar) == YamlScalarKind.String)
        {
            value = scalar.Value!;
            return true;
        }

        error = $"{path}.{field} must be a string, got {YamlScalar.Describe(node)}";
        return false;
    }

    private static bool TryReadThreshold(Dictionary<string, YamlNode> fields, string field, string path, out double value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        if (!fields.TryGetValue(field, out var node) || node is YamlScalarNode s && YamlScalar.Classify(s) == YamlScalarKind.Null)
        {
            error = $"{path}.{field} is required";
            return false;
        }

        var kind = node is YamlScalarNode scalar ? YamlScalar.Classify(scalar) : YamlScalarKind.String;
        if (kind is YamlScalarKind.Integer or YamlScalarKind.Float)
        {
            // A float literal beyond double's range (1e400) reads as infinity.
            value = YamlScalar.ToDouble((YamlScalarNode)node);
        }

        error = kind switch
        {
            YamlScalarKind.Integer or YamlScalarKind.Float when double.IsFinite(value) => null,
            YamlScalarKind.Integer or YamlScalarKind.Float or YamlScalarKind.Infinity or YamlScalarKind.NotANumber =>
                $"{path}.{field} must be a finite number, got {YamlScalar.Describe(node)}",
            _ => $"{path}.{field} must be a number, got {YamlScalar.Describe(node)}",
        };
        return error is null;
    }

    private static bool TryReadCacheWindow(Dictionary<string, YamlNode> fields, MetricKind kind, string path, out int? seconds, [NotNullWhen(false)] out string? error)
    {
        seconds = kind == MetricKind.Gauge ? null : DefaultCacheWindowSeconds;
        error = null;
        const string field = "metriccachewindow";
        if (!fields.TryGetValue(field, out var node) || node is YamlScalarNode s && YamlScalar.Classify(s) == YamlScalarKind.Null)
        {
            return true;
        }

        if (kind == MetricKind.Gauge)
        {
            error = $"{path}.{field} is only valid for histogram and counter metrics";
            return false;
        }

        if (node is not YamlScalarNode scalar || YamlScalar.Classify(scalar) != YamlScalarKind.Integer
            || !AutoProvisioningParser.TryParseWholeNumber(scalar.Value!, out var value))
        {
            error = $"{path}.{field} must be a whole number of seconds, got {YamlScalar.Describe(node)}";
            return false;
        }

        if (value is <= 0 or > MaxCacheWindowSeconds)
        {
            error = FormattableString.Invariant($"{path}.{field} must be a positive number of seconds up to {MaxCacheWindowSeconds} (a day), got {value}");
            return false;
        }

        seconds = (int)value;
        return true;
    }
}
