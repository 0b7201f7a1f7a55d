using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Issues the scaler's certificates in-process with ECDSA P-256: a self-signed CA, a server certificate for the
/// scaler Service's DNS names and a client certificate for KEDA. Every certificate is back-dated a few minutes so a
/// replica whose clock runs slightly behind the issuer's does not see it as not yet valid.
/// </summary>
internal static class CertificateAuthority
{
    /// <summary>The CA's subject, as the Go scaler names its CA (<c>keda-kaito-scaler-ca</c>, <c>kaito-project</c>).</summary>
    public const string CaSubject = "CN=keda-kaito-scaler-ca, O=kaito-project";

    /// <summary>The client certificate's subject: KEDA, calling the scaler.</summary>
    public const string ClientSubject = "CN=keda-kaito-scaler-client, O=kaito-project";

    /// <summary>How far before its issue time a certificate becomes valid.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>The extended key usage KEDA's client certificate must carry.</summary>
    public static Oid ClientAuthentication => new(ClientAuth);

    /// <summary>The extended key usage the server certificate must carry.</summary>
    public static Oid ServerAuthentication => new(ServerAuth);

    /// <summary>The names KEDA may dial: <c>svc</c>, <c>svc.ns</c>, <c>svc.ns.svc</c>, <c>svc.ns.svc.cluster</c> (the Go scaler's) and <c>svc.ns.svc.cluster.local</c>.</summary>
    public static IReadOnlyList<string> ServiceDnsNames(string service, string @namespace) =>
    [
        service,
        $"{service}.{@namespace}",
        $"{service}.{@namespace}.svc",
        $"{service}.{@namespace}.svc.cluster",
        $"{service}.{@namespace}.svc.cluster.local",
    ];

    /// <summary>A new self-signed CA valid from <paramref name="now"/> for <paramref name="lifetime"/>, with its private key.</summary>
    public static X509Certificate2 CreateCa(DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CaSubject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var ca = request.CreateSelfSigned(now - Backdate, now + lifetime);
        return Reload(ca);
    }

    /// <summary>A server certificate for <paramref name="dnsNames"/> signed by <paramref name="ca"/>, never outliving it.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        return Issue(ca, $"CN={dnsNames[^1]}", ServerAuth, names.Build(), now, lifetime);
    }

    /// <summary>A client certificate for KEDA signed by <paramref name="ca"/>, never outliving it.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, DateTimeOffset now, TimeSpan lifetime) =>
        Issue(ca, ClientSubject, ClientAuth, extraExtension: null, now, lifetime);

    /// <summary>When a certificate is renewed: at two-thirds of its validity.</summary>
    public static DateTimeOffset RenewalTime(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var from = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var to = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return from + ((to - from) * 2 / 3);
    }

    /// <summary>The certificate's end of validity as a UTC time.</summary>
    public static DateTimeOffset Expiry(X509Certificate2 certificate) =>
        new(certificate.NotAfter.ToUniversalTime());

    /// <summary>The PEM of the certificate's private key (PKCS#8).</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.GetECDsaPrivateKey() is { } ec)
        {
            using (ec)
            {
                return ec.ExportPkcs8PrivateKeyPem();
            }
        }

        using var rsa = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException($"certificate {certificate.Subject} has no ECDSA or RSA private key");
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, Oid usage, X509Extension? extraExtension, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(ca);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        if (ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any())
        {
            // Our CAs have one; a CA made elsewhere may not, and the identifier is optional (RFC 5280 4.2.1.1).
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        }
        if (extraExtension is not null)
        {
            request.CertificateExtensions.Add(extraExtension);
        }

        var notAfter = now + lifetime;
        var caExpiry = Expiry(ca);
        using var generator = Signer(ca);
        using var issued = request.Create(ca.SubjectName, generator.Generator, now - Backdate, notAfter < caExpiry ? notAfter : caExpiry, SerialNumber());
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A positive 128-bit random serial number (RFC 5280 allows up to 20 octets).</summary>
    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    /// <summary>Signs with the CA's key, ECDSA (ours) or RSA (a CA the Go scaler's cert-controller made).</summary>
    private static CaSigner Signer(X509Certificate2 ca)
    {
        if (ca.GetECDsaPrivateKey() is { } ec)
        {
            return new CaSigner(ec, X509SignatureGenerator.CreateForECDsa(ec));
        }

        var rsa = ca.GetRSAPrivateKey() ?? throw new InvalidOperationException($"CA {ca.Subject} has no ECDSA or RSA private key");
        return new CaSigner(rsa, X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1));
    }

    /// <summary>Round-trips through PKCS#12 so the private key is usable by SslStream on every platform.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);

    private sealed class CaSigner(AsymmetricAlgorithm key, X509SignatureGenerator generator) : IDisposable
    {
        public X509SignatureGenerator Generator => generator;

        public void Dispose() => key.Dispose();
    }
}
