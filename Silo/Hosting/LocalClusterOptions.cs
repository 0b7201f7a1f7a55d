using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Hosting;

/// <summary>
/// The Orleans cluster (configuration section <c>Orleans</c>): ports (several silos on one host need distinct ones),
/// and in Kubernetes mode the cluster's identity and the address other silos reach this one at.
/// </summary>
public sealed class LocalClusterOptions
{
    public const string SectionName = "Orleans";

    /// <summary><see cref="MembershipStore"/>: membership in a ConfigMap of the Kubernetes API.</summary>
    public const string KubernetesClustering = "kubernetes";

    /// <summary><see cref="MembershipStore"/>: membership in Redis (<see cref="RedisConnectionString"/>).</summary>
    public const string RedisClustering = "redis";

    /// <summary>The downward-API variable with the pod's name; its presence means the silo runs in a pod.</summary>
    public const string PodNameVariable = "POD_NAME";

    /// <summary>The downward-API variable with the pod's namespace.</summary>
    public const string PodNamespaceVariable = "POD_NAMESPACE";

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

    /// <summary>
    /// How silos find each other: <c>kubernetes</c> (membership in a ConfigMap; the default, Kubernetes mode only),
    /// <c>redis</c> (membership in Redis at <see cref="RedisConnectionString"/>, either mode) or <c>localhost</c>.
    /// </summary>
    /// <remarks>Not <c>Orleans:Clustering</c>: Orleans reads that section itself, for its configuration-named providers.</remarks>
    [RegularExpression("^(kubernetes|redis|localhost)$")]
    public string MembershipStore { get; set; } = KubernetesClustering;

    /// <summary>With <c>MembershipStore=redis</c>: a StackExchange.Redis configuration string, such as <c>redis:6379,password=…</c>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// Orleans' Kubernetes hosting: silo named after its pod, pods labelled with the cluster, a silo declared dead when
    /// its pod is deleted. Unset: on in Kubernetes mode in a pod (<c>POD_NAME</c> set) when silos form a cluster.
    /// </summary>
    public bool? KubernetesHosting { get; set; }
}
