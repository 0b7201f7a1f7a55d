namespace OrleansKaitoScaler.Silo.Security;

/// <summary>What a <see cref="CertificatePlan"/> issues anew.</summary>
[Flags]
internal enum CertificateChanges
{
    None = 0,

    /// <summary>A new current CA (and so both leaves): the published next CA promoted, or a replacement for one that cannot sign.</summary>
    Ca = 1,

    /// <summary>A new server certificate.</summary>
    Server = 2,

    /// <summary>A new client certificate for KEDA.</summary>
    Client = 4,

    /// <summary>A next CA published in the bundle, trusted but signing nothing yet.</summary>
    NextCa = 8,
}
