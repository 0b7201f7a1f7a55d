namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>Group and plural: the identity under which objects are stored, whatever version they are read or written through.</summary>
internal readonly record struct ResourceKey(string Group, string Plural);
