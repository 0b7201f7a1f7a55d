using System.Security.Cryptography.X509Certificates;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>What <see cref="CertificatePlanner"/> decided.</summary>
/// <param name="ServerData">The server Secret's new data, or null when it stays as it is.</param>
/// <param name="ClientData">The client Secret's new data, or null when it stays as it is.</param>
/// <param name="NextCheck">When to look again: the next renewal, a previous CA's expiry, or the check interval.</param>
/// <param name="Changes">What was issued anew.</param>
/// <param name="Ca">The current CA (kept or new).</param>
/// <param name="Bundle">The CAs trusted: the current one first.</param>
internal sealed record CertificatePlan(
    IDictionary<string, byte[]>? ServerData,
    IDictionary<string, byte[]>? ClientData,
    DateTimeOffset NextCheck,
    CertificateChanges Changes,
    X509Certificate2 Ca,
    IReadOnlyList<X509Certificate2> Bundle);
