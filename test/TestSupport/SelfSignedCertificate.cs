using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>Self-signed certificates: a server's, as an inference endpoint with its own TLS might present, or a client's that no CA vouches for.</summary>
public static class SelfSignedCertificate
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>A certificate for <paramref name="dnsNames"/>, valid for a day, with its private key usable by Kestrel.</summary>
    public static X509Certificate2 For(params string[] dnsNames) => Create(ServerAuthentication, dnsNames);

    /// <summary>A client certificate with subject <c>CN=<paramref name="commonName"/></c>, valid for a day, signed by its own key.</summary>
    public static X509Certificate2 ForClient(string commonName) => Create(ClientAuthentication, [commonName]);

    private static X509Certificate2 Create(string usage, string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames.FirstOrDefault() ?? "localhost"}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
