using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>
/// Kubernetes mode (configuration section <c>Kubernetes</c>): the inventory comes from a list+watch of
/// InferenceSets and Workspaces instead of a file.
/// </summary>
public sealed class KubernetesOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>
    /// Kubernetes mode on or off (<c>--kubernetes</c>). Unset means automatic: on inside a pod
    /// (<c>KUBERNETES_SERVICE_HOST</c> is set), off elsewhere.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>A kubeconfig file (<c>--kubeconfig</c>). Unset: <c>KUBECONFIG</c>, <c>~/.kube/config</c>, then the in-cluster service account, like kubectl.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The <c>kaito.sh</c> API version read for InferenceSets and Workspaces; the Go scaler reads <c>v1beta1</c>.</summary>
    [RegularExpression("^v[0-9]+((alpha|beta)[0-9]+)?$")]
    public string KaitoApiVersion { get; set; } = "v1beta1";

    /// <summary>
    /// How long one watch request may stay open before the server ends it and the informer resumes from its last
    /// resourceVersion; each watch asks for a random time between this and twice this (as client-go does), so
    /// silos do not reconnect in step.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first wait after a failed list or watch; it doubles up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries of a failed list or watch.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Objects per page of a full list (<c>limit</c>/<c>continue</c>), so a large fleet never needs one huge response.</summary>
    [Range(1, 10_000)]
    public int ListPageSize { get; set; } = 500;

    /// <summary>True when Kubernetes mode applies: the explicit setting, else whether this process runs in a pod.</summary>
    public static bool IsEnabled(IConfiguration configuration) => IsEnabled(configuration, Environment.GetEnvironmentVariable);

    /// <summary>
    /// <see cref="IsEnabled(IConfiguration)"/> with the process environment read through <paramref name="environment"/>:
    /// a pod is told by <c>KUBERNETES_SERVICE_HOST</c>, which the kubelet sets in every container.
    /// </summary>
    public static bool IsEnabled(IConfiguration configuration, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var value = configuration[$"{SectionName}:{nameof(Enabled)}"];
        if (!string.IsNullOrWhiteSpace(value))
        {
            return bool.TryParse(value, out var enabled)
                ? enabled
                : throw new Microsoft.Extensions.Options.OptionsValidationException(
                    SectionName, typeof(KubernetesOptions), [$"{SectionName}:{nameof(Enabled)} '{value}' is not true or false"]);
        }

        return !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST"));
    }
}
