using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Decides what the Secrets should hold at a given time, from what they hold now. Pure: every replica computes
/// the same answer from the same Secrets, and the Secret writes (with resourceVersion preconditions) decide
/// which replica's answer is stored.
/// <list type="bullet">
/// <item>The CA is kept while it can sign (readable, with its key, within its validity). At two-thirds of its validity
/// the next CA is made and published in the bundle behind it, signing nothing yet; after
/// <see cref="CertificateOptions.RolloverOverlap"/> — time for every replica to trust it and for KEDA to read it — it
/// becomes the current CA and both leaves are issued by it. A CA that cannot sign at all is replaced at once.</item>
/// <item>A leaf is kept while it chains to the current CA, is before two-thirds of its validity and (the server's)
/// names every DNS name of the Service; otherwise it is issued again.</item>
/// <item>The CA bundle (<c>ca.crt</c>) is the current CA, the next one if any, then every earlier CA that is already
/// trusted or issued a leaf being replaced, until that CA expires. Leaves never outlive their CA, so by then every
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
        var next = current.NextCa is { } published && CanSign(published, now) ? published : null;
        if (ca is null || !CanSign(ca, now))
        {
            ca = CertificateAuthority.CreateCa(now, options.CaLifetime);
            next = null;
            changes |= CertificateChanges.Ca;
        }
        else if (now >= CertificateAuthority.RenewalTime(ca))
        {
            if (next is null)
            {
                next = CertificateAuthority.CreateCa(now, options.CaLifetime);
                changes |= CertificateChanges.NextCa;
            }
            else if (now >= PromotionTime(next))
            {
                (ca, next) = (next, null);
                changes |= CertificateChanges.Ca;
            }
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

        var bundle = Bundle(current, ca, next, changes, now);
        var bundlePem = SameCertificates(current.Bundle, bundle) && current.ServerData.TryGetValue(CertificateMaterial.CaCertificateKey, out var stored)
            ? stored
            : Encoding.UTF8.GetBytes(string.Concat(bundle.Select(c => c.ExportCertificatePem() + "\n")));
        var serverData = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [CertificateMaterial.CaCertificateKey] = bundlePem,
            [CertificateMaterial.CaKeyKey] = ReferenceEquals(ca, current.Ca) && current.ServerData.TryGetValue(CertificateMaterial.CaKeyKey, out var caKey)
                ? caKey
                : Encoding.UTF8.GetBytes(CertificateAuthority.PrivateKeyPem(ca)),
            [CertificateMaterial.ServerCertificateKey] = Pem(current.ServerData, CertificateMaterial.ServerCertificateKey, changes.HasFlag(CertificateChanges.Server), server.ExportCertificatePem),
            [CertificateMaterial.ServerKeyKey] = Pem(current.ServerData, CertificateMaterial.ServerKeyKey, changes.HasFlag(CertificateChanges.Server), () => CertificateAuthority.PrivateKeyPem(server)),
        };
        if (next is not null)
        {
            serverData[CertificateMaterial.NextCaKeyKey] = Pem(current.ServerData, CertificateMaterial.NextCaKeyKey, changes.HasFlag(CertificateChanges.NextCa), () => CertificateAuthority.PrivateKeyPem(next));
        }

        var clientData = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [CertificateMaterial.CaCertificateKey] = bundlePem,
            [CertificateMaterial.ClientCertificateKey] = Pem(current.ClientData, CertificateMaterial.ClientCertificateKey, changes.HasFlag(CertificateChanges.Client), client.ExportCertificatePem),
            [CertificateMaterial.ClientKeyKey] = Pem(current.ClientData, CertificateMaterial.ClientKeyKey, changes.HasFlag(CertificateChanges.Client), () => CertificateAuthority.PrivateKeyPem(client)),
        };

        var wake = next is null ? CertificateAuthority.RenewalTime(ca) : PromotionTime(next);
        var nextCheck = Earliest(
            now + options.CheckInterval,
            [wake, CertificateAuthority.RenewalTime(server), CertificateAuthority.RenewalTime(client), .. bundle.Where(c => c != ca && c != next).Select(CertificateAuthority.Expiry)]);
        return new CertificatePlan(
            SameData(current.ServerData, serverData) ? null : serverData,
            SameData(current.ClientData, clientData) ? null : clientData,
            nextCheck,
            changes,
            ca,
            bundle);
    }

    /// <summary>When a published next CA becomes the current one: <see cref="CertificateOptions.RolloverOverlap"/> after it was made.</summary>
    private DateTimeOffset PromotionTime(X509Certificate2 next) =>
        new DateTimeOffset(next.NotBefore.ToUniversalTime()) + CertificateAuthority.Backdate + options.RolloverOverlap;

    private static bool CanSign(X509Certificate2 ca, DateTimeOffset now) =>
        ca.HasPrivateKey
        && TrustedChain.IsCa(ca)
        && now >= new DateTimeOffset(ca.NotBefore.ToUniversalTime())
        && now < CertificateAuthority.Expiry(ca);

    private bool IsCurrentServer(X509Certificate2 server, X509Certificate2 ca, DateTimeOffset now)
    {
        if (!TrustedChain.Verify(server, [ca], now, CertificateAuthority.ServerAuthentication) || now >= CertificateAuthority.RenewalTime(server))
        {
            return false;
        }

        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return serverDnsNames.All(names.Contains);
    }

    /// <summary>The current CA, the next one, then each earlier CA (unexpired) that is already trusted or issued a leaf being replaced.</summary>
    private static List<X509Certificate2> Bundle(CertificateMaterial current, X509Certificate2 ca, X509Certificate2? next, CertificateChanges changes, DateTimeOffset now)
    {
        bool Trustable(X509Certificate2 c) => TrustedChain.IsCa(c) && now < CertificateAuthority.Expiry(c);
        var candidates = current.Bundle.Concat(current.ClientBundle).Where(Trustable).ToList();
        var keep = current.Bundle.Where(Trustable).ToList();
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
        foreach (var certificate in (next is null ? keep : [next, .. keep]))
        {
            if (!bundle.Any(b => b.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span)))
            {
                bundle.Add(certificate);
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
