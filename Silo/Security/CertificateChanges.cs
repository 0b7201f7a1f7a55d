namespace OrleansKaitoScaler.Silo.Security;

/// <summary>What a <see cref="CertificatePlan"/> issues anew.</summary>
[Flags]
internal enum CertificateChanges
{
    None = 0,

    /// <summary>A new CA (and so both leaves).</summary>
    Ca = 1,

    /// <summary>A new server certificate.</summary>
    Server = 2,

    /// <summary>A new client certificate for KEDA.</summary>
    Client = 4,
}
