using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Auto-provisioning (configuration section <c>Provisioning</c>): where the ScaledObjects we write tell KEDA to find
/// this scaler, and how they are marked as ours.
/// </summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "Provisioning";

    /// <summary>SPEC §7 installs the scaler in KEDA's namespace; <c>keda</c> is KEDA's own default.</summary>
    internal const string FallbackNamespace = "keda";

    private const string Dns1123Label = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    private const string Dns1123Subdomain = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>
    /// The Service in front of the scaler's gRPC port. <c>keda-kaito-scaler-svc</c> is the Go scaler's default and
    /// its Helm chart's Service name, so ScaledObjects read the same after switching.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(63)]
    [RegularExpression(Dns1123Label)]
    public string ScalerServiceName { get; set; } = "keda-kaito-scaler-svc";

    /// <summary>
    /// The namespace of that Service. Defaults to this pod's namespace (<c>POD_NAMESPACE</c>, else the service
    /// account's namespace file), else <c>keda</c>; the Go scaler takes it from <c>--working-namespace</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(63)]
    [RegularExpression(Dns1123Label)]
    public string ScalerNamespace { get; set; } = OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(FallbackNamespace);

    /// <summary>The Service's gRPC port written into <c>scalerAddress</c>; 10450 as the Go chart.</summary>
    [Range(1, 65535)]
    public int GrpcPort { get; set; } = 10450;

    /// <summary>The <c>ClusterTriggerAuthentication</c> every trigger names; it carries KEDA's mTLS client credentials.</summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(253)]
    [RegularExpression(Dns1123Subdomain)]
    public string AuthenticationName { get; set; } = "keda-kaito-scaler-creds";

    /// <summary>
    /// The value of the <c>scaledobject.kaito.sh/managed-by</c> annotation that marks a ScaledObject as ours.
    /// <c>keda-kaito-scaler</c> is what the Go scaler writes, so objects it provisioned are taken over, not orphaned.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(256)]
    public string ManagedBy { get; set; } = "keda-kaito-scaler";

    /// <summary>
    /// Auto-provisioning on or off (Kubernetes mode only). Off, the scaler neither takes the Lease nor writes
    /// ScaledObjects or Events; objects written earlier stay as they are.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How often the leader re-checks every InferenceSet although nothing changed, to repair drift: a ScaledObject
    /// deleted or edited by hand, a write that failed for good. Watch events trigger a check at once in any case.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The first wait before a failed reconcile of an InferenceSet is retried; it doubles per failure up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest wait between retries of one InferenceSet (the Go scaler's controller also stops at 5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Reconciles started per second across all InferenceSets, so a resync of a large fleet or a retry storm stays
    /// gentle on the API server (each reconcile is one read and at most a few writes).
    /// </summary>
    [Range(0.1, 1000)]
    public double ReconcilesPerSecond { get; set; } = 20;

    /// <summary>How many reconciles may start at once above <see cref="ReconcilesPerSecond"/> (a token bucket's size).</summary>
    [Range(1, 10_000)]
    public int ReconcileBurst { get; set; } = 100;

    /// <summary>InferenceSets reconciled in parallel; one InferenceSet is never reconciled twice at the same time.</summary>
    [Range(1, 64)]
    public int MaxConcurrentReconciles { get; set; } = 4;

    /// <summary><c>host:port</c> of the scaler as KEDA dials it: <c>&lt;service&gt;.&lt;namespace&gt;.svc.cluster.local:&lt;port&gt;</c>.</summary>
    public string ScalerAddress => FormattableString.Invariant($"{ScalerServiceName}.{ScalerNamespace}.svc.cluster.local:{GrpcPort}");
}
