namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>Which part of an object an update may change.</summary>
internal enum WriteTarget
{
    /// <summary>The main resource over HTTP: <c>.status</c> is kept from the stored object when a status subresource exists.</summary>
    Main,

    /// <summary>The <c>/status</c> subresource: only <c>.status</c> changes.</summary>
    Status,

    /// <summary>A test seeding the store directly: spec and status both, as a controller's two writes would leave them.</summary>
    Everything,
}
