using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>
/// Reads a trigger's <c>scalerMetadata</c> into <see cref="ScalerMetadata"/>, applying the keys, defaults and
/// validation of SPEC.md §1. It never throws: every rejection is a <see cref="MetadataError"/> naming the key,
/// which the gateway turns into <c>InvalidArgument</c>.
/// </summary>
/// <remarks>
/// Values are trimmed, and an empty or blank value counts as not given (the Go scaler reads <c>""</c> as
/// absent too). Keys are matched exactly, as KEDA passes them; unknown keys and <c>scalerAddress</c> are
/// ignored. Keys are checked in a fixed order and the first problem is reported. Enumerated values
/// (<c>metricProtocol</c>, <c>metricSource</c>, <c>aggregation</c>) ignore case and are normalised to lower case.
/// </remarks>
public static class ScalerMetadataParser
{
    /// <summary>The threshold of <c>service-avg</c>, <c>windowed-avg</c> and <c>gate</c> triggers that give none.</summary>
    public const double DefaultThreshold = 1;

    /// <summary>The longest <c>scrapeTimeout</c>: beyond it a hung endpoint would hold its target's rounds for longer than any staleness bound.</summary>
    public static TimeSpan MaxScrapeTimeout { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest <c>metricCacheWindow</c>, a day: windows are kept in memory, so they must be bounded.</summary>
    public const int MaxCacheWindowSeconds = 86_400;

    /// <summary>The <c>metricCacheWindow</c> used when none is given.</summary>
    public static TimeSpan DefaultCacheWindow { get; } = TimeSpan.FromSeconds(300);

    private const int MaxQuotedLength = 64;

    private static readonly IReadOnlyDictionary<string, string> s_empty = new Dictionary<string, string>();

    /// <summary>Parses and validates <paramref name="metadata"/>; a missing dictionary is read as an empty one.</summary>
    public static bool TryParse(
        IReadOnlyDictionary<string, string>? metadata,
        [NotNullWhen(true)] out ScalerMetadata? result,
        [NotNullWhen(false)] out MetadataError? error)
    {
        var values = metadata ?? s_empty;
        result = null;
        if (!TryReadName(values, MetadataKeys.InferenceSetName, out var name, out error)
            || !TryReadNamespace(values, out var ns, out error)
            || !TryReadMetricName(values, out var metricName, out error)
            || !TryReadAggregation(values, out var aggregation, out error)
            || !TryReadThreshold(values, aggregation, out var threshold, out error)
            || !TryReadProtocol(values, out var protocol, out error)
            || !TryReadPort(values, out var port, out error)
            || !TryReadPath(values, out var path, out error)
            || !TryReadScrapeTimeout(values, out var timeout, out error)
            || !TryReadSource(values, out var source, out error)
            || !TryReadCacheWindow(values, out var window, out error)
            || !TryReadQuantile(values, out var quantile, out error))
        {
            return false;
        }

        result = new ScalerMetadata(
            new InferenceSetKey(ns, name),
            metricName,
            threshold,
            new ScrapeProfile(source, protocol, port, path, timeout),
            aggregation,
            window,
            quantile);
        return true;
    }

    private static bool TryReadName(IReadOnlyDictionary<string, string> values, string key, out string name, [NotNullWhen(false)] out MetadataError? error)
    {
        name = Supplied(values, key) ?? "";
        error = name.Length == 0
            ? new MetadataError(key, "is required: the name of the InferenceSet to scale")
            : KubernetesNames.IsSubdomain(name)
                ? null
                : new MetadataError(key, $"{Quote(name)} is not a valid InferenceSet name; expected {KubernetesNames.SubdomainRule}");
        return error is null;
    }

    private static bool TryReadNamespace(IReadOnlyDictionary<string, string> values, out string ns, [NotNullWhen(false)] out MetadataError? error)
    {
        const string key = MetadataKeys.InferenceSetNamespace;
        ns = Supplied(values, key) ?? "";
        error = ns.Length == 0
            ? new MetadataError(key, "is required: the namespace of the InferenceSet (it may differ from the ScaledObject's)")
            : KubernetesNames.IsLabel(ns)
                ? null
                : new MetadataError(key, $"{Quote(ns)} is not a valid namespace; expected {KubernetesNames.LabelRule}");
        return error is null;
    }

    private static bool TryReadMetricName(IReadOnlyDictionary<string, string> values, out string metricName, [NotNullWhen(false)] out MetadataError? error)
    {
        metricName = Supplied(values, MetadataKeys.MetricName) ?? "";
        error = metricName.Length == 0
            ? new MetadataError(MetadataKeys.MetricName, "is required: the metric family to scale on, e.g. vllm:num_requests_waiting")
            : null;
        return error is null;
    }

    private static bool TryReadAggregation(IReadOnlyDictionary<string, string> values, out Aggregation aggregation, [NotNullWhen(false)] out MetadataError? error)
    {
        aggregation = Aggregation.Sum;
        error = null;
        if (Supplied(values, MetadataKeys.Aggregation) is { } text && !AggregationNames.TryParse(text, out aggregation))
        {
            error = new MetadataError(
                MetadataKeys.Aggregation,
                $"{Quote(text)} is not a known aggregation; use one of {string.Join(", ", AggregationNames.All)} (default {AggregationNames.Sum})");
        }

        return error is null;
    }

    private static bool TryReadThreshold(IReadOnlyDictionary<string, string> values, Aggregation aggregation, out double threshold, [NotNullWhen(false)] out MetadataError? error)
    {
        const string key = MetadataKeys.Threshold;
        const string accepted = "a finite decimal number greater than 0 such as 10 or 0.5";
        threshold = DefaultThreshold;
        error = null;
        var text = Supplied(values, key);
        if (text is null)
        {
            // sum needs a real target: its compensation rule adds `threshold` per failed endpoint.
            if (aggregation == Aggregation.Sum)
            {
                error = new MetadataError(key, $"is required for aggregation '{AggregationNames.Sum}': the per-replica target value, {accepted}");
            }
        }
        else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || !double.IsFinite(threshold))
        {
            error = new MetadataError(key, $"{Quote(text)} is not a number; use {accepted}");
        }
        else if (threshold <= 0)
        {
            // It becomes the HPA's AverageValue target, which Kubernetes rejects unless positive.
            error = new MetadataError(key, $"{Quote(text)} must be greater than 0: it is the per-replica target of an HPA AverageValue metric, which must be positive");
        }

        return error is null;
    }

    private static bool TryReadProtocol(IReadOnlyDictionary<string, string> values, out string protocol, [NotNullWhen(false)] out MetadataError? error)
    {
        protocol = ScrapeProfile.Default.Protocol;
        error = null;
        if (Supplied(values, MetadataKeys.MetricProtocol) is { } text)
        {
            protocol = text.ToLowerInvariant();
            if (protocol is not ("http" or "https"))
            {
                error = new MetadataError(MetadataKeys.MetricProtocol, $"{Quote(text)} is not supported; use http or https (default {ScrapeProfile.Default.Protocol})");
            }
        }

        return error is null;
    }

    private static bool TryReadPort(IReadOnlyDictionary<string, string> values, out int port, [NotNullWhen(false)] out MetadataError? error)
    {
        port = ScrapeProfile.Default.Port;
        error = null;
        if (Supplied(values, MetadataKeys.MetricPort) is { } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = new MetadataError(MetadataKeys.MetricPort, $"{Quote(text)} is not a port number; use a whole number from 1 to 65535 (default {ScrapeProfile.Default.Port})");
        }

        return error is null;
    }

    private static bool TryReadPath(IReadOnlyDictionary<string, string> values, out string path, [NotNullWhen(false)] out MetadataError? error)
    {
        path = Supplied(values, MetadataKeys.MetricPath) ?? ScrapeProfile.Default.Path;
        error = null;
        if (!path.StartsWith('/'))
        {
            error = new MetadataError(MetadataKeys.MetricPath, $"{Quote(path)} must start with '/', e.g. {ScrapeProfile.Default.Path} (the default)");
        }
        else if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // It is pasted into the scrape URL as is; a space would only surface later as failed scrapes.
            error = new MetadataError(MetadataKeys.MetricPath, $"{Quote(path)} must not contain spaces or control characters; percent-encode them");
        }

        return error is null;
    }

    private static bool TryReadScrapeTimeout(IReadOnlyDictionary<string, string> values, out TimeSpan timeout, [NotNullWhen(false)] out MetadataError? error)
    {
        const string key = MetadataKeys.ScrapeTimeout;
        timeout = ScrapeProfile.Default.Timeout;
        error = null;
        if (Supplied(values, key) is not { } text)
        {
            return true;
        }

        if (!GoDuration.TryParse(text, out timeout))
        {
            error = new MetadataError(key, $"{Quote(text)} is not a duration; use a number with a unit ({GoDuration.Units}) such as 500ms, 3s or 1m30s (default 3s)");
        }
        else if (timeout <= TimeSpan.Zero)
        {
            error = new MetadataError(key, $"{Quote(text)} must be greater than 0 (at least 100ns), such as 500ms or 3s");
        }
        else if (timeout > MaxScrapeTimeout)
        {
            error = new MetadataError(key, $"{Quote(text)} is longer than the {MaxScrapeTimeout.TotalMinutes:0}m a scrape may take; a metrics endpoint answers in milliseconds (default 3s)");
        }

        return error is null;
    }

    private static bool TryReadSource(IReadOnlyDictionary<string, string> values, out string source, [NotNullWhen(false)] out MetadataError? error)
    {
        source = ScrapeProfile.Default.Source;
        error = null;
        if (Supplied(values, MetadataKeys.MetricSource) is { } text)
        {
            source = text.ToLowerInvariant();
            if (!MetricSources.Known.Contains(source))
            {
                error = new MetadataError(
                    MetadataKeys.MetricSource,
                    $"{Quote(text)} is not a known metric source; known sources: {string.Join(", ", MetricSources.Known)} (default {ScrapeProfile.Default.Source})");
            }
        }

        return error is null;
    }

    private static bool TryReadCacheWindow(IReadOnlyDictionary<string, string> values, out TimeSpan window, [NotNullWhen(false)] out MetadataError? error)
    {
        window = DefaultCacheWindow;
        error = null;
        if (Supplied(values, MetadataKeys.MetricCacheWindow) is { } text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= MaxCacheWindowSeconds)
            {
                window = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                error = new MetadataError(
                    MetadataKeys.MetricCacheWindow,
                    $"{Quote(text)} is not a positive whole number of seconds up to {MaxCacheWindowSeconds} (a day); use an integer such as 60 or 300 (default {DefaultCacheWindow.TotalSeconds:0})");
            }
        }

        return error is null;
    }

    private static bool TryReadQuantile(IReadOnlyDictionary<string, string> values, out double quantile, [NotNullWhen(false)] out MetadataError? error)
    {
        quantile = MetricQuery.DefaultQuantile;
        error = null;
        if (Supplied(values, MetadataKeys.Quantile) is { } text
            && (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quantile) || double.IsNaN(quantile) || quantile is <= 0 or >= 1))
        {
            error = new MetadataError(
                MetadataKeys.Quantile,
                $"{Quote(text)} is not a quantile; use a number strictly between 0 and 1 such as 0.95 (default {MetricQuery.DefaultQuantile})");
        }

        return error is null;
    }

    private static string? Supplied(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    // Values are echoed so the user sees what was read; a pasted blob is cut short to keep messages readable.
    private static string Quote(string value) =>
        value.Length <= MaxQuotedLength ? $"'{value}'" : $"'{value[..MaxQuotedLength]}…'";
}
