namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>How the ScaledObject's triggers are made: <see cref="ThresholdScaling"/> or <see cref="CompositeScaling"/>.</summary>
internal abstract record ScalingRule;

/// <summary>The simple form: one <c>AverageValue</c> trigger, so HPA wants <c>ceil(sum / threshold)</c> replicas.</summary>
/// <param name="MetricName">The scraped metric.</param>
/// <param name="Threshold">The annotation's text (trimmed), already checked to be a positive finite number.</param>
internal sealed record ThresholdScaling(string MetricName, string Threshold) : ScalingRule;

/// <summary>The composite form: one <c>Value</c> trigger per metric, a readiness gate, and a formula combining them.</summary>
/// <param name="Metrics">In annotation order; their formula variables are distinct.</param>
/// <param name="EvaluationWindowSeconds">Scale-up stabilization window.</param>
/// <param name="ScaleUpCooldownSeconds">At most one replica added per this many seconds.</param>
/// <param name="ScaleDownCooldownSeconds">Scale-down stabilization window, and at most one replica removed per this many seconds.</param>
internal sealed record CompositeScaling(
    IReadOnlyList<CompositeMetric> Metrics,
    int EvaluationWindowSeconds,
    int ScaleUpCooldownSeconds,
    int ScaleDownCooldownSeconds) : ScalingRule;
