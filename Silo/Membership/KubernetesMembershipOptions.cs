using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>
/// The Orleans membership table kept in the Kubernetes API (configuration section <c>Membership</c>): where its
/// ConfigMap lives and how hard a heartbeat tries when another silo wrote at the same moment.
/// </summary>
public sealed class KubernetesMembershipOptions
{
    public const string SectionName = "Membership";

    /// <summary>The pod's namespace, as the downward API usually exposes it.</summary>
    internal const string PodNamespaceVariable = "POD_NAMESPACE";

    /// <summary>The namespace of the pod's service account, mounted into every pod that has one.</summary>
    internal const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    internal const string FallbackNamespace = "default";

    /// <summary>
    /// The namespace of the membership ConfigMap. Defaults to this pod's namespace (<c>POD_NAMESPACE</c>, else the
    /// service account's namespace file), else <c>default</c>. Every silo of a cluster must use the same one.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Namespace { get; set; } = DefaultNamespace(Environment.GetEnvironmentVariable, ServiceAccountNamespaceFile);

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

    /// <summary>The namespace to use when none is configured: the pod's, else <see cref="FallbackNamespace"/>.</summary>
    internal static string DefaultNamespace(Func<string, string?> environment, string serviceAccountNamespaceFile)
    {
        var fromEnvironment = environment(PodNamespaceVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        try
        {
            if (File.Exists(serviceAccountNamespaceFile))
            {
                var fromFile = File.ReadAllText(serviceAccountNamespaceFile).Trim();
                if (fromFile.Length > 0)
                {
                    return fromFile;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable mount is the same as none: fall back.
        }

        return FallbackNamespace;
    }
}
