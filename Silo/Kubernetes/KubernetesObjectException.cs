namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>An API object the scaler cannot read; the message names the field.</summary>
public sealed class KubernetesObjectException : Exception
{
    public KubernetesObjectException()
    {
    }

    public KubernetesObjectException(string message)
        : base(message)
    {
    }

    public KubernetesObjectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
