namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>The namespace this pod runs in: <c>POD_NAMESPACE</c> (downward API), else the service account's namespace file.</summary>
internal static class PodNamespace
{
    /// <summary>The downward-API variable the manifests set.</summary>
    public const string Variable = "POD_NAMESPACE";

    /// <summary>The namespace of the pod's service account, mounted into every pod that has one.</summary>
    public const string ServiceAccountFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>This pod's namespace, else <paramref name="fallback"/> (outside a cluster).</summary>
    public static string Or(string fallback) => Or(fallback, Environment.GetEnvironmentVariable, ServiceAccountFile);

    /// <summary>As <see cref="Or(string)"/>, with the environment and the file given (for tests).</summary>
    public static string Or(string fallback, Func<string, string?> environment, string serviceAccountFile)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var fromEnvironment = environment(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        try
        {
            var fromFile = File.Exists(serviceAccountFile) ? File.ReadAllText(serviceAccountFile).Trim() : "";
            return fromFile.Length > 0 ? fromFile : fallback;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable mount is the same as none.
            return fallback;
        }
    }
}
