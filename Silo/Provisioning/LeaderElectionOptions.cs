using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Leader election (configuration section <c>LeaderElection</c>): which <c>coordination.k8s.io/v1</c> Lease decides
/// the one scaler replica that writes ScaledObjects, and client-go's timings for holding it.
/// </summary>
public sealed class LeaderElectionOptions
{
    public const string SectionName = "LeaderElection";

    /// <summary>The pod's name, as the downward API usually exposes it; the default identity.</summary>
    internal const string PodNameVariable = "POD_NAME";

    private const string Dns1123Label = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    private const string Dns1123Subdomain = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>
    /// The Lease's name. <c>keda-kaito-scaler</c> is the Go scaler's (<c>--leader-elect-resource-name</c>), so a Go
    /// replica started with <c>--leader-elect</c> and ours never provision at the same time during a migration.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(253)]
    [RegularExpression(Dns1123Subdomain)]
    public string LeaseName { get; set; } = "keda-kaito-scaler";

    /// <summary>The Lease's namespace; unset means <c>Provisioning:ScalerNamespace</c> (this pod's namespace), as Go uses its working namespace.</summary>
    [MaxLength(63)]
    [RegularExpression(Dns1123Label)]
    public string? LeaseNamespace { get; set; }

    /// <summary>
    /// How long a Lease holds without renewal before another replica may take it: the longest a dead leader's
    /// InferenceSets go unprovisioned. Whole seconds (the Lease stores seconds). client-go's default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it stops writing; shorter than the lease, so it stops before anyone else may start.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait between attempts to take or renew the Lease.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>This replica's name in the Lease (<c>holderIdentity</c>); unset means <c>POD_NAME</c>, else the host name plus a random suffix.</summary>
    [MaxLength(128)]
    public string? Identity { get; set; }

    /// <summary>
    /// On a clean shutdown the leader empties the Lease, so another replica takes over within a retry period instead
    /// of a whole lease duration (controller-runtime's <c>LeaderElectionReleaseOnCancel</c>, which the Go scaler sets).
    /// </summary>
    public bool ReleaseOnShutdown { get; set; } = true;

    /// <summary>The configured identity, else <c>POD_NAME</c>, else <c>&lt;host&gt;_&lt;random&gt;</c> (client-go's convention).</summary>
    internal static string ResolveIdentity(string? configured, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }

        var pod = environment(PodNameVariable)?.Trim();
        return !string.IsNullOrEmpty(pod) ? pod : $"{Environment.MachineName}_{Guid.NewGuid():N}";
    }
}
