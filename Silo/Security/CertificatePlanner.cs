using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Decides what the Secrets should hold at a given time, from what they hold now. Pure: every replica computes
/// the same answer from the same Secrets, and the Secret writes (with resourceVersion preconditions) decide
/// which replica's answer is stored.
/// <list type="bullet">
/// <item>The CA is kept while it is readable, has its key and is before two-thirds of its validity; otherwise a new
/// CA is made and both leaves are issued by it.</item>
/// <item>A leaf is kept while it chains to the current CA, is before two-thirds of its validity and (the server's)
/// names every DNS name of the Service; otherwise it is issued again.</item>
/// <item>The CA bundle (<c>ca.crt</c>) is the current CA first, then every earlier CA that issued a leaf being
/// replaced or was already in the bundle, until that CA expires. Leaves never outlive their CA, so by then every
/// leaf it signed — including copies KEDA still holds — has expired too.</item>
/// </list>
/// </summary>
internal sealed class CertificatePlanner(CertificateOptions options, IReadOnlyList<string> serverDnsNames)
{
    /// <summary>What to write (null: leave that Secret as it is) and when to look again.</summary>
    public CertificatePlan Plan(CertificateMaterial current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        var changes = CertificateChanges.None;
        var ca = current.Ca;
        if (ca is null || !IsUsableCa(ca, now))
        {
            ca = CertificateAuthority.CreateCa(now, options.CaLifetime);
            changes |= CertificateChanges.Ca;
        }

        var server = current.Server;
        if (server is null || !IsCurrentServer(server, ca, now))
        {
            server = CertificateAuthority.IssueServer(ca, serverDnsNames, now, options.Lifetime);
            changes |= CertificateChanges.Server;
        }

        var client = current.Client;
        if (client is null || !TrustedChain.Verify(client, [ca], now, CertificateAuthority.ClientAuthentication) || now >= CertificateAuthority.RenewalTime(client))
        {
            client = CertificateAuthority.IssueClient(ca, now, options.Lifetime);
            changes |= CertificateChanges.Client;
        }

        var bundle = Bundle(current, ca, changes, now);
        var bundlePem = SameCertificates(current.Bundle, bundle) && current.ServerData.TryGetValue(CertificateMaterial.CaCertificateKey, out var stored)
            ? stored
            : Encoding.UTF8.GetBytes(string.Concat(bundle.Select(c => c.ExportCertificatePem() + "\n")));
        var serverData = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [CertificateMaterial.CaCertificateKey] = bundlePem,
            [CertificateMaterial.CaKeyKey] = Pem(current.ServerData, CertificateMaterial.CaKeyKey, changes.HasFlag(CertificateChanges.Ca), () => CertificateAuthority.PrivateKeyPem(ca)),
            [CertificateMaterial.ServerCertificateKey] = Pem(current.ServerData, CertificateMaterial.ServerCertificateKey, changes.HasFlag(CertificateChanges.Server), server.ExportCertificatePem),
            [CertificateMaterial.ServerKeyKey] = Pem(current.ServerData, CertificateMaterial.ServerKeyKey, changes.HasFlag(CertificateChanges.Server), () => CertificateAuthority.PrivateKeyPem(server)),
        };
        var clientData = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [CertificateMaterial.CaCertificateKey] = bundlePem,
            [CertificateMaterial.ClientCertificateKey] = Pem(current.ClientData, CertificateMaterial.ClientCertificateKey, changes.HasFlag(CertificateChanges.Client), client.ExportCertificatePem),
            [CertificateMaterial.ClientKeyKey] = Pem(current.ClientData, CertificateMaterial.ClientKeyKey, changes.HasFlag(CertificateChanges.Client), () => CertificateAuthority.PrivateKeyPem(client)),
        };

        var next = Earliest(
            now + options.CheckInterval,
            [CertificateAuthority.RenewalTime(ca), CertificateAuthority.RenewalTime(server), CertificateAuthority.RenewalTime(client), .. bundle.Skip(1).Select(CertificateAuthority.Expiry)]);
        return new CertificatePlan(
            SameData(current.ServerData, serverData) ? null : serverData,
            SameData(current.ClientData, clientData) ? null : clientData,
            next,
            changes,
            ca,
            bundle);
    }

    private static bool IsUsableCa(X509Certificate2 ca, DateTimeOffset now) =>
        TrustedChain.IsCa(ca)
        && now >= new DateTimeOffset(ca.NotBefore.ToUniversalTime())
        && now < CertificateAuthority.RenewalTime(ca);

    private bool IsCurrentServer(X509Certificate2 server, X509Certificate2 ca, DateTimeOffset now)
    {
        if (!TrustedChain.Verify(server, [ca], now, CertificateAuthority.ServerAuthentication) || now >= CertificateAuthority.RenewalTime(server))
        {
            return false;
        }

        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return serverDnsNames.All(names.Contains);
    }

    /// <summary>The current CA, then each earlier CA (unexpired) that is already trusted or issued a leaf being replaced.</summary>
    private static List<X509Certificate2> Bundle(CertificateMaterial current, X509Certificate2 ca, CertificateChanges changes, DateTimeOffset now)
    {
        bool Trustable(X509Certificate2 c) => TrustedChain.IsCa(c) && now < CertificateAuthority.Expiry(c);
        var candidates = current.Bundle.Concat(current.ClientBundle).Where(Trustable).ToList();
        var keep = current.Bundle.Skip(changes.HasFlag(CertificateChanges.Ca) ? 0 : 1).Where(Trustable).ToList();
        foreach (var (leaf, replaced, usage) in new[]
        {
            (current.Server, changes.HasFlag(CertificateChanges.Server), CertificateAuthority.ServerAuthentication),
            (current.Client, changes.HasFlag(CertificateChanges.Client), CertificateAuthority.ClientAuthentication),
        })
        {
            if (replaced && leaf is not null)
            {
                keep.AddRange(candidates.Where(c => TrustedChain.Verify(leaf, [c], now, usage)));
            }
        }

        var bundle = new List<X509Certificate2> { ca };
        foreach (var previous in keep)
        {
            if (!bundle.Any(b => b.RawDataMemory.Span.SequenceEqual(previous.RawDataMemory.Span)))
            {
                bundle.Add(previous);
            }
        }

        return bundle;
    }

    private static byte[] Pem(IDictionary<string, byte[]> data, string key, bool replaced, Func<string> issue) =>
        !replaced && data.TryGetValue(key, out var stored) ? stored : Encoding.UTF8.GetBytes(issue());

    private static bool SameCertificates(IReadOnlyList<X509Certificate2> left, List<X509Certificate2> right) =>
        left.Count == right.Count && left.Zip(right).All(p => p.First.RawDataMemory.Span.SequenceEqual(p.Second.RawDataMemory.Span));

    private static bool SameData(IDictionary<string, byte[]> stored, Dictionary<string, byte[]> desired) =>
        stored.Count == desired.Count && desired.All(p => stored.TryGetValue(p.Key, out var value) && value.AsSpan().SequenceEqual(p.Value));

    private static DateTimeOffset Earliest(DateTimeOffset first, IEnumerable<DateTimeOffset> others) =>
        others.Aggregate(first, (a, b) => b < a ? b : a);
}
