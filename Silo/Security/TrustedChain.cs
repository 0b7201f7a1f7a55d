using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Whether a leaf certificate chains to one of the given CAs, and to nothing else: the system's trust store plays
/// no part, revocation is not checked (the CAs are ours and issue nothing but these leaves), and the time is the
/// caller's clock rather than the machine's.
/// </summary>
internal static class TrustedChain
{
    /// <summary>
    /// True when <paramref name="leaf"/> is a non-CA certificate for <paramref name="usage"/>, valid at
    /// <paramref name="now"/>, signed by a certificate in <paramref name="authorities"/> that is itself valid then.
    /// </summary>
    public static bool Verify(X509Certificate2 leaf, IEnumerable<X509Certificate2> authorities, DateTimeOffset now, Oid usage) =>
        Check(leaf, authorities, now, usage) is null;

    /// <summary>Null when <see cref="Verify"/> holds, else why not (for logs).</summary>
    public static string? Check(X509Certificate2 leaf, IEnumerable<X509Certificate2> authorities, DateTimeOffset now, Oid usage)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(authorities);
        if (IsCa(leaf))
        {
            // A CA presented as a leaf would chain to itself; leaves are never CAs.
            return "the certificate is a CA, not a leaf";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (chain.Build(leaf))
        {
            return null;
        }

        var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct();
        return string.Join(", ", problems);
    }

    /// <summary>Whether the certificate's basic constraints make it a CA.</summary>
    public static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions["2.5.29.19"] is X509BasicConstraintsExtension { CertificateAuthority: true };
}
