using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using OrleansKaitoScaler.Silo.Kubernetes;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Reads an InferenceSet's <c>scaledobject.kaito.sh/*</c> annotations into what the provisioner should do
/// (PROVISIONING.md). Checks run in the Go scaler's order (replica range, then the scaling configuration) and the
/// first problem is reported.
/// </summary>
internal static class AutoProvisioningParser
{
    /// <summary>The simple form's metric when <c>metricName</c> is not given: vLLM's waiting-queue length.</summary>
    public const string DefaultMetricName = "vllm:num_requests_waiting";

    public static AutoProvisioningResult Parse(InferenceSetObject inferenceSet)
    {
        ArgumentNullException.ThrowIfNull(inferenceSet);
        var annotations = inferenceSet.Annotations;

        // Exactly "true", as the Go scaler compares: "True" or " true" leave the InferenceSet alone.
        if (!annotations.TryGetValue(AutoProvision, out var enabled) || !string.Equals(enabled, "true", StringComparison.Ordinal))
        {
            return AutoProvisioningResult.NotRequested.Instance;
        }

        if (!TryReadReplicaRange(inferenceSet, out var min, out var max, out var rangeError))
        {
            return new AutoProvisioningResult.Invalid(ProvisioningEventReasons.InvalidReplicaRange, rangeError);
        }

        return TryReadScaling(annotations, out var scaling, out var configError)
            ? new AutoProvisioningResult.Requested(new ProvisioningSpec(inferenceSet.Key, inferenceSet.Uid, min, max, scaling))
            : new AutoProvisioningResult.Invalid(ProvisioningEventReasons.InvalidConfig, configError);
    }

    /// <summary>An annotation's trimmed value, or null when it is absent or blank (blank means "not given", as in the Go scaler).</summary>
    internal static string? Given(IReadOnlyDictionary<string, string> annotations, string key) =>
        annotations.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>A whole number as Go's <c>strconv.Atoi</c> reads one (optional sign, decimal digits).</summary>
    internal static bool TryParseWholeNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static bool TryReadReplicaRange(InferenceSetObject inferenceSet, out int min, out int max, [NotNullWhen(false)] out string? error)
    {
        var annotations = inferenceSet.Annotations;
        min = 1;
        max = 0;
        string maxSource;
        if (Given(annotations, MaxReplicas) is { } maxText)
        {
            if (!TryParseWholeNumber(maxText, out var value))
            {
                error = $"{MaxReplicas} must be a whole number greater than 1, got \"{maxText}\"";
                return false;
            }

            if (value <= 1)
            {
                error = $"{MaxReplicas} must be greater than 1, got {maxText}";
                return false;
            }

            max = ClampToInt(value);
            maxSource = MaxReplicas;
        }
        else if (inferenceSet.NodeCountLimit is > 0 and var limit)
        {
            // The contract takes nodeCountLimit as the maximum directly; a limit of 1 is allowed (the Go scaler
            // clamps its derived maximum to at least 1 and accepts it).
            max = limit;
            maxSource = "spec.nodeCountLimit";
        }
        else
        {
            error = inferenceSet.NodeCountLimit is < 0 and var negative
                ? $"spec.nodeCountLimit must be positive to bound the replicas when {MaxReplicas} is not given, got {negative}"
                : $"auto-provisioning needs {MaxReplicas} or spec.nodeCountLimit to bound the replicas";
            return false;
        }

        if (Given(annotations, MinReplicas) is { } minText)
        {
            if (!TryParseWholeNumber(minText, out var value))
            {
                error = $"{MinReplicas} must be a whole number, got \"{minText}\"";
                return false;
            }

            // Values of 1 or less become 1: the ScaledObject never scales an InferenceSet to zero.
            min = value <= 1 ? 1 : ClampToInt(value);
        }

        if (max < min)
        {
            error = FormattableString.Invariant($"{maxSource} ({max}) is less than {MinReplicas} ({min})");
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryReadScaling(IReadOnlyDictionary<string, string> annotations, [NotNullWhen(true)] out ScalingRule? scaling, [NotNullWhen(false)] out string? error)
    {
        // metrics wins over threshold: it is the newer scheme, and an InferenceSet carrying both was most likely
        // migrated by adding metrics without removing the old keys.
        if (Given(annotations, Metrics) is { } metricsYaml)
        {
            var ok = CompositeMetricsParser.TryParse(metricsYaml, annotations, out var composite, out error);
            scaling = composite;
            return ok;
        }

        var simpleOk = TryReadThreshold(annotations, out var simple, out error);
        scaling = simple;
        return simpleOk;
    }

    private static bool TryReadThreshold(IReadOnlyDictionary<string, string> annotations, [NotNullWhen(true)] out ThresholdScaling? scaling, [NotNullWhen(false)] out string? error)
    {
        scaling = null;
        if (Given(annotations, Threshold) is not { } threshold)
        {
            error = $"auto-provisioning needs {Metrics} (a list of metrics) or {Threshold}";
            return false;
        }

        // > 0 rather than the contract's "non-negative": the trigger has no aggregation, so it is `sum`, and a
        // threshold of 0 would be refused by GetMetricSpec (HPA's AverageValue target must be positive).
        if (!double.TryParse(threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0)
        {
            error = $"{Threshold} must be a number greater than 0, got \"{threshold}\"";
            return false;
        }

        scaling = new ThresholdScaling(Given(annotations, MetricName) ?? DefaultMetricName, threshold);
        error = null;
        return true;
    }

    private static int ClampToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
