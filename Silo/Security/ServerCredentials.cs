using System.Security.Cryptography.X509Certificates;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// The gRPC port's current TLS credentials — the server certificate and the CAs whose client certificates are
/// accepted — swapped whole when the server Secret changes. Kestrel asks for them on every handshake, so a new
/// certificate applies to the next connection with no restart, and connections already open keep going.
/// </summary>
internal sealed partial class ServerCredentials(TimeProvider clock, ILogger<ServerCredentials> logger)
{
    private volatile Snapshot? _current;

    /// <summary>Whether a server certificate has been loaded (readiness waits for it).</summary>
    public bool IsLoaded => _current is not null;

    /// <summary>The server certificate to present, or null before the first load (the handshake then fails).</summary>
    public X509Certificate2? ServerCertificate => _current?.Server;

    /// <summary>The resourceVersion of the server Secret loaded, or null.</summary>
    public string? Version => _current?.Version;

    /// <summary>
    /// Loads the server Secret's data (at <paramref name="version"/>); keeps the current credentials and answers
    /// why not when it lacks a usable certificate, key or CA bundle.
    /// </summary>
    public string? Load(IDictionary<string, byte[]>? data, string version)
    {
        data ??= new Dictionary<string, byte[]>();
        var server = CertificateMaterial.WithKey(
            CertificateMaterial.Text(data, CertificateMaterial.ServerCertificateKey),
            CertificateMaterial.Text(data, CertificateMaterial.ServerKeyKey));
        if (server is null)
        {
            return $"no readable {CertificateMaterial.ServerCertificateKey} with a matching {CertificateMaterial.ServerKeyKey}";
        }

        var authorities = CertificateMaterial.ParseBundle(CertificateMaterial.Text(data, CertificateMaterial.CaCertificateKey)).Where(TrustedChain.IsCa).ToArray();
        if (authorities.Length == 0)
        {
            return $"no CA certificate in {CertificateMaterial.CaCertificateKey}";
        }

        _current = new Snapshot(server, authorities, version);
        return null;
    }

    /// <summary>Kestrel's client-certificate check: the certificate must chain to a CA of the current bundle, now.</summary>
    public bool IsTrustedClient(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var current = _current;
        var problem = current is null
            ? "no CA loaded yet"
            : TrustedChain.Check(certificate, current.Authorities, clock.GetUtcNow(), CertificateAuthority.ClientAuthentication);
        if (problem is not null)
        {
            Log.ClientRejected(logger, certificate.Subject, certificate.Issuer, problem);
        }

        return problem is null;
    }

    private sealed record Snapshot(X509Certificate2 Server, X509Certificate2[] Authorities, string Version);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1420, Level = LogLevel.Warning, Message = "Refused a client certificate on the gRPC port (subject {Subject}, issuer {Issuer}): {Problem}")]
        public static partial void ClientRejected(ILogger logger, string subject, string issuer, string problem);
    }
}
