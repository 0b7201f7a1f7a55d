namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>Kubernetes mode cannot start: an API it needs is missing or unreachable. The message says which and what to do.</summary>
public sealed class KubernetesStartupException : Exception
{
    public KubernetesStartupException()
    {
    }

    public KubernetesStartupException(string message)
        : base(message)
    {
    }

    public KubernetesStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
