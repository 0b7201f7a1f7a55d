using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>
/// The Orleans membership table kept in the Kubernetes API (configuration section <c>Membership</c>): where its
/// ConfigMap lives and how hard a heartbeat tries when another silo wrote at the same moment.
/// </summary>
public sealed class KubernetesMembershipOptions
{
    public const string SectionName = "Membership";

    internal const string FallbackNamespace = "default";

    /// <summary>
    /// The namespace of the membership ConfigMap. Defaults to this pod's namespace (<c>POD_NAMESPACE</c>, else the
    /// service account's namespace file), else <c>default</c>. Every silo of a cluster must use the same one.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Namespace { get; set; } = OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(FallbackNamespace);

    /// <summary>
    /// The ConfigMap's name is this prefix plus the Orleans ClusterId (sanitised to a DNS-1123 label when it is not
    /// one). Lower-case letters, digits and <c>-</c>, at most 40 characters so a hashed ClusterId still fits.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string ConfigMapNamePrefix { get; set; } = "orleans-membership-";

    /// <summary>
    /// How many times a write that may safely be re-applied — a heartbeat (<c>UpdateIAmAlive</c>) or the removal
    /// of defunct rows — reads the table again and retries after losing a race (409 Conflict) before it fails.
    /// InsertRow and UpdateRow never retry: losing the race is their answer.
    /// </summary>
    [Range(0, 100)]
    public int MaxConflictRetries { get; set; } = 5;
}
