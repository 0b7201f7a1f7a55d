namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>A namespaced object's identity.</summary>
internal readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}
