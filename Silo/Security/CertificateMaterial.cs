using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// What the two Secrets hold, parsed, with the Go scaler's key names: the server Secret has <c>ca.crt</c> (the CA
/// bundle: the current CA first, then CAs still trusted during a rollover), <c>ca.key</c> (the current CA's key),
/// <c>next-ca.key</c> (during a rollover, the key of the next CA, published in the bundle before it signs anything),
/// <c>server.crt</c> and <c>server.key</c>; the client Secret has <c>ca.crt</c>, <c>tls.crt</c> and
/// <c>tls.key</c>. Anything missing or unreadable is null or empty, never an exception: it is simply issued again.
/// </summary>
internal sealed class CertificateMaterial
{
    public const string CaCertificateKey = "ca.crt";
    public const string CaKeyKey = "ca.key";

    /// <summary>The key of the next CA during a rollover (ours only; the Go scaler has no such key).</summary>
    public const string NextCaKeyKey = "next-ca.key";
    public const string ServerCertificateKey = "server.crt";
    public const string ServerKeyKey = "server.key";
    public const string ClientCertificateKey = "tls.crt";
    public const string ClientKeyKey = "tls.key";

    private CertificateMaterial(
        IDictionary<string, byte[]> serverData,
        IDictionary<string, byte[]> clientData,
        X509Certificate2? ca,
        X509Certificate2? nextCa,
        IReadOnlyList<X509Certificate2> bundle,
        IReadOnlyList<X509Certificate2> clientBundle,
        X509Certificate2? server,
        X509Certificate2? client)
    {
        ServerData = serverData;
        ClientData = clientData;
        Ca = ca;
        NextCa = nextCa;
        Bundle = bundle;
        ClientBundle = clientBundle;
        Server = server;
        Client = client;
    }

    /// <summary>The server Secret's data as read (empty when absent).</summary>
    public IDictionary<string, byte[]> ServerData { get; }

    /// <summary>The client Secret's data as read (empty when absent).</summary>
    public IDictionary<string, byte[]> ClientData { get; }

    /// <summary>The current CA with its private key: the bundle's first certificate, when <c>ca.key</c> is its key.</summary>
    public X509Certificate2? Ca { get; }

    /// <summary>The next CA with its key during a rollover: the bundle certificate whose key is <c>next-ca.key</c>.</summary>
    public X509Certificate2? NextCa { get; }

    /// <summary>Every certificate in the server Secret's <c>ca.crt</c>, in order.</summary>
    public IReadOnlyList<X509Certificate2> Bundle { get; }

    /// <summary>Every certificate in the client Secret's <c>ca.crt</c> (the Go scaler kept a second CA there).</summary>
    public IReadOnlyList<X509Certificate2> ClientBundle { get; }

    /// <summary>The server certificate with its key.</summary>
    public X509Certificate2? Server { get; }

    /// <summary>KEDA's client certificate with its key.</summary>
    public X509Certificate2? Client { get; }

    /// <summary>Parses the Secrets' data; either may be null (Secret absent) or empty (created by a chart with no data).</summary>
    public static CertificateMaterial Read(IDictionary<string, byte[]>? serverData, IDictionary<string, byte[]>? clientData)
    {
        serverData ??= new Dictionary<string, byte[]>();
        clientData ??= new Dictionary<string, byte[]>();
        var bundle = Certificates(serverData, CaCertificateKey);
        var ca = bundle.Count > 0 ? WithKey(bundle[0].ExportCertificatePem(), Text(serverData, CaKeyKey)) : null;
        var nextKey = Text(serverData, NextCaKeyKey);
        var nextCa = nextKey is null ? null : bundle.Skip(1).Select(c => WithKey(c.ExportCertificatePem(), nextKey)).FirstOrDefault(c => c is not null);
        return new CertificateMaterial(
            serverData,
            clientData,
            ca,
            nextCa,
            bundle,
            Certificates(clientData, CaCertificateKey),
            WithKey(Text(serverData, ServerCertificateKey), Text(serverData, ServerKeyKey)),
            WithKey(Text(clientData, ClientCertificateKey), Text(clientData, ClientKeyKey)));
    }

    /// <summary>The certificates of a PEM bundle; an unreadable bundle is empty.</summary>
    public static IReadOnlyList<X509Certificate2> ParseBundle(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return [];
        }

        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(pem);
            return [.. collection];
        }
        catch (CryptographicException)
        {
            return [];
        }
    }

    /// <summary>A certificate and its private key from PEM (PKCS#8, SEC1 or PKCS#1), or null when either is missing, unreadable or they do not match.</summary>
    public static X509Certificate2? WithKey(string? certificatePem, string? keyPem)
    {
        if (string.IsNullOrWhiteSpace(certificatePem) || string.IsNullOrWhiteSpace(keyPem))
        {
            return null;
        }

        try
        {
            using var loaded = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>A Secret value as text, or null.</summary>
    public static string? Text(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) && bytes is { Length: > 0 } ? Encoding.UTF8.GetString(bytes) : null;

    private static IReadOnlyList<X509Certificate2> Certificates(IDictionary<string, byte[]> data, string key) => ParseBundle(Text(data, key));
}
