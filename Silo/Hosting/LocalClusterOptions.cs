using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Hosting;

/// <summary>
/// The Orleans cluster (configuration section <c>Orleans</c>): ports (several silos on one host need distinct ones),
/// and in Kubernetes mode the cluster's identity and the address other silos reach this one at.
/// </summary>
public sealed class LocalClusterOptions
{
    public const string SectionName = "Orleans";

    /// <summary>Silo-to-silo port (<c>--silo-port</c>).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (<c>--gateway-port</c>).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo port of the first silo, which the others join (<c>--primary-silo-port</c>); unset means this silo is the primary.</summary>
    [Range(1, 65535)]
    public int? PrimarySiloPort { get; set; }

    /// <summary>Kubernetes mode: the Orleans cluster every replica of one scaler Deployment joins (names its membership ConfigMap).</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClusterId { get; set; } = "orleans-kaito-scaler";

    /// <summary>Kubernetes mode: the Orleans service id (stable across deployments).</summary>
    [Required(AllowEmptyStrings = false)]
    public string ServiceId { get; set; } = "orleans-kaito-scaler";

    /// <summary>
    /// Kubernetes mode: the address other silos reach this one at. Unset: <c>POD_IP</c> (downward API), else the listen
    /// address when it is a specific one, else 127.0.0.1 (several processes on one machine).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Kubernetes mode: <c>kubernetes</c> (membership in a ConfigMap, the default) or <c>localhost</c> (one silo).</summary>
    [RegularExpression("^(kubernetes|localhost)$")]
    public string Clustering { get; set; } = "kubernetes";
}
