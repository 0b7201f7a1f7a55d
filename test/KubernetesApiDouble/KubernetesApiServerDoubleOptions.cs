namespace OrleansKaitoScaler.KubernetesApiDouble;

/// <summary>How a <see cref="KubernetesApiServerDouble"/> behaves; every value has a default that suits tests.</summary>
public sealed class KubernetesApiServerDoubleOptions
{
    /// <summary>How many past writes watches can resume from before a resourceVersion is too old (410). Default 1000.</summary>
    public int EventHistoryCapacity { get; set; } = 1000;

    /// <summary>How often watches that allow bookmarks get a BOOKMARK. Default 1 s (the real server: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The clock for timestamps, bookmarks, watch timeouts and injected latency. A fake one makes those deterministic
    /// (and makes them wait until it is advanced).
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Namespaces that exist from the start, as on a fresh cluster.</summary>
    public IReadOnlyList<string> Namespaces { get; set; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>The server version <c>/version</c> reports. Default v1.33.0.</summary>
    public string GitVersion { get; set; } = "v1.33.0";

    /// <summary>The bearer token the written kubeconfig carries. The server accepts any credentials.</summary>
    public string BearerToken { get; set; } = "kubernetes-api-double";

    /// <summary>Throws, naming the property, when a value cannot work.</summary>
    internal void Validate()
    {
        if (EventHistoryCapacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EventHistoryCapacity), EventHistoryCapacity, "must be positive");
        }

        if (BookmarkInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BookmarkInterval), BookmarkInterval, "must be positive");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Namespaces);
        if (!System.Text.RegularExpressions.Regex.IsMatch(GitVersion, "^v[0-9]+\\.[0-9]+\\.[0-9]+"))
        {
            throw new ArgumentException($"{nameof(GitVersion)} '{GitVersion}' is not like v1.33.0", nameof(GitVersion));
        }
    }
}
