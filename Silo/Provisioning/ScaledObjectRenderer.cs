using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Metadata;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Builds the ScaledObject a <see cref="ProvisioningSpec"/> asks for, as the JSON the Kubernetes API takes
/// (field names as in KEDA's <c>keda.sh_scaledobjects.yaml</c>; shapes in PROVISIONING.md).
/// </summary>
internal sealed class ScaledObjectRenderer(IOptions<ProvisioningOptions> options)
{
    public const string ApiVersion = "keda.sh/v1alpha1";
    public const string Kind = "ScaledObject";
    public const string InferenceSetApiVersion = "kaito.sh/v1beta1";
    public const string InferenceSetKind = "InferenceSet";

    /// <summary>KEDA's default is 30 s; 15 s is HPA's own sync period, as the Go scaler chose.</summary>
    public const int PollingIntervalSeconds = 15;

    /// <summary>The simple form's trigger name, as the Go scaler (v0.5) wrote it; KEDA uses trigger names only in formulas and status.</summary>
    public const string SimpleTriggerName = "keda-kaito-scaler";

    private readonly ProvisioningOptions _options = options.Value;

    public JsonObject Render(ProvisioningSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrEmpty(spec.Uid))
        {
            // Every object the API server returns has one; without it the owner reference would be refused.
            throw new ArgumentException($"InferenceSet {spec.Target} has no uid to own its ScaledObject by", nameof(spec));
        }

        var (triggers, advanced) = spec.Scaling switch
        {
            ThresholdScaling simple => (SimpleTriggers(spec, simple), SimpleAdvanced()),
            CompositeScaling composite => (CompositeTriggers(spec, composite), CompositeAdvanced(composite)),
            _ => throw new ArgumentException($"unknown scaling rule {spec.Scaling.GetType().Name}", nameof(spec)),
        };

        return new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = spec.Target.Name,
                ["namespace"] = spec.Target.Namespace,
                ["annotations"] = new JsonObject { [AutoProvisioningAnnotations.ManagedBy] = _options.ManagedBy },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = InferenceSetApiVersion,
                    ["kind"] = InferenceSetKind,
                    ["name"] = spec.Target.Name,
                    ["uid"] = spec.Uid,
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject
                {
                    ["apiVersion"] = InferenceSetApiVersion,
                    ["kind"] = InferenceSetKind,
                    ["name"] = spec.Target.Name,
                },
                ["pollingInterval"] = PollingIntervalSeconds,
                ["minReplicaCount"] = spec.MinReplicas,
                ["maxReplicaCount"] = spec.MaxReplicas,
                ["advanced"] = advanced,
                ["triggers"] = triggers,
            },
        };
    }

    private JsonArray SimpleTriggers(ProvisioningSpec spec, ThresholdScaling simple)
    {
        var metadata = TargetMetadata(spec);
        metadata[MetadataKeys.MetricName] = simple.MetricName;
        metadata[MetadataKeys.Threshold] = simple.Threshold;
        return [Trigger(SimpleTriggerName, "AverageValue", metadata)];
    }

    /// <summary>
    /// The Go scaler's (v0.5) fixed behaviour for the simple form, as KAITO's docs show it: up one pod per 5 min after
    /// a 1 min window, down one pod per 10 min after a 5 min window, and a wide 0.5 tolerance downwards.
    /// </summary>
    private static JsonObject SimpleAdvanced() => new()
    {
        ["horizontalPodAutoscalerConfig"] = Behavior(
            scaleUp: ScalingRules(stabilizationSeconds: 60, periodSeconds: 300, tolerance: "0.1"),
            scaleDown: ScalingRules(stabilizationSeconds: 300, periodSeconds: 600, tolerance: "0.5")),
    };

    private JsonArray CompositeTriggers(ProvisioningSpec spec, CompositeScaling composite)
    {
        var triggers = new JsonArray();
        foreach (var metric in composite.Metrics)
        {
            var metadata = TargetMetadata(spec);
            metadata[MetadataKeys.MetricName] = metric.Name;
            metadata[MetadataKeys.MetricSource] = metric.Source;
            metadata[MetadataKeys.Aggregation] = metric.Aggregation;
            if (metric.CacheWindowSeconds is { } window)
            {
                metadata[MetadataKeys.MetricCacheWindow] = window.ToString(CultureInfo.InvariantCulture);
            }

            if (metric.Quantile is { } quantile)
            {
                metadata[MetadataKeys.Quantile] = ScalingFormula.PlainNumber(quantile);
            }

            triggers.Add(Trigger(metric.Variable, "Value", metadata));
        }

        // Reports 1 once every replica is ready: scale-up waits for the last step's pods to serve.
        var gate = TargetMetadata(spec);
        gate[MetadataKeys.MetricName] = FormulaVariable.ReadinessGate;
        gate[MetadataKeys.Aggregation] = "gate";
        triggers.Add(Trigger(FormulaVariable.ReadinessGate, "Value", gate));
        return triggers;
    }

    private static JsonObject CompositeAdvanced(CompositeScaling composite) => new()
    {
        ["horizontalPodAutoscalerConfig"] = Behavior(
            scaleUp: ScalingRules(composite.EvaluationWindowSeconds, composite.ScaleUpCooldownSeconds, "0.1"),
            scaleDown: ScalingRules(composite.ScaleDownCooldownSeconds, composite.ScaleDownCooldownSeconds, "0.1")),
        ["scalingModifiers"] = new JsonObject
        {
            ["target"] = "1",
            ["metricType"] = "Value",
            ["formula"] = ScalingFormula.Build(composite.Metrics),
        },
    };

    private static JsonObject Behavior(JsonObject scaleUp, JsonObject scaleDown) => new()
    {
        ["behavior"] = new JsonObject { ["scaleUp"] = scaleUp, ["scaleDown"] = scaleDown },
    };

    /// <summary>One replica per period in either direction; <c>tolerance</c> is a Kubernetes quantity, so a string.</summary>
    private static JsonObject ScalingRules(int stabilizationSeconds, int periodSeconds, string tolerance) => new()
    {
        ["stabilizationWindowSeconds"] = stabilizationSeconds,
        ["selectPolicy"] = "Max",
        ["policies"] = new JsonArray(new JsonObject { ["type"] = "Pods", ["value"] = 1, ["periodSeconds"] = periodSeconds }),
        ["tolerance"] = tolerance,
    };

    private JsonObject TargetMetadata(ProvisioningSpec spec) => new()
    {
        [MetadataKeys.InferenceSetName] = spec.Target.Name,
        [MetadataKeys.InferenceSetNamespace] = spec.Target.Namespace,
        [MetadataKeys.ScalerAddress] = _options.ScalerAddress,
    };

    private JsonObject Trigger(string name, string metricType, JsonObject metadata) => new()
    {
        ["type"] = "external",
        ["name"] = name,
        ["metricType"] = metricType,
        ["authenticationRef"] = new JsonObject { ["name"] = _options.AuthenticationName, ["kind"] = "ClusterTriggerAuthentication" },
        ["metadata"] = metadata,
    };
}
