using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using OrleansKaitoScaler.Silo.Security;

namespace OrleansKaitoScaler.Silo.Tests.Security;

public sealed class CertificatePlannerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // Leaves valid 35 min (30 + 5 back-dated): renewed 23m20s after their start, 18m20s after issue.
    // The CA valid 65 min: replaced 43m20s after its start, 38m20s after issue.
    private static readonly CertificateOptions Options = new()
    {
        Lifetime = TimeSpan.FromMinutes(30),
        CaLifetime = TimeSpan.FromMinutes(60),
        CheckInterval = TimeSpan.FromHours(1),
    };

    private static readonly CertificatePlanner Planner = new(Options, CertificateAuthority.ServiceDnsNames("keda-kaito-scaler-svc", "keda"));

    [Fact]
    public void Empty_Secrets_get_a_CA_a_server_and_a_client_certificate_under_the_Go_scalers_key_names()
    {
        var plan = Planner.Plan(CertificateMaterial.Read(null, new Dictionary<string, byte[]>()), Start);

        Assert.Equal(CertificateChanges.Ca | CertificateChanges.Server | CertificateChanges.Client, plan.Changes);
        Assert.Equal(["ca.crt", "ca.key", "server.crt", "server.key"], plan.ServerData!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["ca.crt", "tls.crt", "tls.key"], plan.ClientData!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(plan.ServerData["ca.crt"], plan.ClientData["ca.crt"]);
        var stored = Read(plan);
        Assert.Equal(plan.Ca.Thumbprint, stored.Ca!.Thumbprint);
        Assert.True(TrustedChain.Verify(stored.Server!, [stored.Ca], Start, CertificateAuthority.ServerAuthentication));
        Assert.True(TrustedChain.Verify(stored.Client!, [stored.Ca], Start, CertificateAuthority.ClientAuthentication));
        Assert.Equal(Start + TimeSpan.FromMinutes(18) + TimeSpan.FromSeconds(20), plan.NextCheck);
    }

    [Fact]
    public void Nothing_is_written_before_two_thirds_of_a_leafs_validity()
    {
        var first = Planner.Plan(CertificateMaterial.Read(null, null), Start);

        var later = Planner.Plan(Read(first), Start + TimeSpan.FromMinutes(18));

        Assert.Equal(CertificateChanges.None, later.Changes);
        Assert.Null(later.ServerData);
        Assert.Null(later.ClientData);
    }

    [Fact]
    public void At_two_thirds_of_their_validity_the_leaves_are_issued_again_by_the_same_CA()
    {
        var first = Planner.Plan(CertificateMaterial.Read(null, null), Start);
        var at = Start + TimeSpan.FromMinutes(18) + TimeSpan.FromSeconds(21);

        var renewed = Planner.Plan(Read(first), at);

        Assert.Equal(CertificateChanges.Server | CertificateChanges.Client, renewed.Changes);
        Assert.Equal(first.ServerData!["ca.crt"], renewed.ServerData!["ca.crt"]);
        Assert.Equal(first.ServerData["ca.key"], renewed.ServerData["ca.key"]);
        Assert.NotEqual(first.ServerData["server.crt"], renewed.ServerData["server.crt"]);
        Assert.NotEqual(first.ClientData!["tls.crt"], renewed.ClientData!["tls.crt"]);
        var stored = Read(renewed);
        Assert.Equal(first.Ca.Thumbprint, stored.Ca!.Thumbprint);
        Assert.Equal((at + Options.Lifetime).UtcDateTime, stored.Client!.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void A_CA_at_two_thirds_of_its_validity_publishes_its_successor_which_signs_only_after_the_overlap()
    {
        var planner = new CertificatePlanner(
            new CertificateOptions { Lifetime = TimeSpan.FromMinutes(60), CaLifetime = TimeSpan.FromMinutes(60), RolloverOverlap = TimeSpan.FromMinutes(5) },
            CertificateAuthority.ServiceDnsNames("keda-kaito-scaler-svc", "keda"));
        var first = planner.Plan(CertificateMaterial.Read(null, null), Start);
        var renewal = Start + TimeSpan.FromMinutes(38) + TimeSpan.FromSeconds(21);

        var published = planner.Plan(Read(first), renewal);

        // The next CA is trusted (in the bundle, its key kept) but the leaves are still the current CA's.
        Assert.True(published.Changes.HasFlag(CertificateChanges.NextCa));
        Assert.False(published.Changes.HasFlag(CertificateChanges.Ca));
        Assert.Equal(first.Ca.Thumbprint, published.Ca.Thumbprint);
        var next = Read(published).NextCa!;
        Assert.Equal([first.Ca.Thumbprint, next.Thumbprint], Read(published).Bundle.Select(c => c.Thumbprint));
        Assert.Equal(published.ServerData!["ca.crt"], published.ClientData!["ca.crt"]);
        Assert.True(TrustedChain.Verify(Read(published).Client!, [first.Ca], renewal, CertificateAuthority.ClientAuthentication));
        Assert.Equal(renewal + TimeSpan.FromMinutes(5), published.NextCheck);
        Assert.Equal(CertificateChanges.None, planner.Plan(Read(published), renewal + TimeSpan.FromMinutes(4)).Changes);

        var oldClient = Read(published).Client!;
        var promoted = planner.Plan(Read(published), renewal + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal(CertificateChanges.Ca | CertificateChanges.Server | CertificateChanges.Client, promoted.Changes);
        Assert.Equal(next.Thumbprint, promoted.Ca.Thumbprint);
        Assert.DoesNotContain("next-ca.key", promoted.ServerData!.Keys);
        Assert.Equal([next.Thumbprint, first.Ca.Thumbprint], Read(promoted).Bundle.Select(c => c.Thumbprint));
        Assert.True(TrustedChain.Verify(Read(promoted).Server!, [next], renewal + TimeSpan.FromMinutes(6), CertificateAuthority.ServerAuthentication));
        // KEDA may still hold the old CA's client certificate: the bundle still trusts it.
        Assert.True(TrustedChain.Verify(oldClient, Read(promoted).Bundle, renewal + TimeSpan.FromMinutes(6), CertificateAuthority.ClientAuthentication));
        Assert.Equal(first.Ca.NotAfter.ToUniversalTime(), promoted.NextCheck.UtcDateTime);

        var afterOldCaExpired = planner.Plan(Read(promoted), Start + TimeSpan.FromMinutes(60) + TimeSpan.FromSeconds(1));

        Assert.Equal(CertificateChanges.None, afterOldCaExpired.Changes);
        Assert.Equal([next.Thumbprint], Read(afterOldCaExpired).Bundle.Select(c => c.Thumbprint));
        Assert.Equal(promoted.ServerData["server.crt"], afterOldCaExpired.ServerData!["server.crt"]);
        Assert.Equal(promoted.ClientData!["tls.crt"], afterOldCaExpired.ClientData!["tls.crt"]);
    }

    [Fact]
    public void A_CA_that_can_no_longer_sign_is_replaced_at_once()
    {
        var first = Planner.Plan(CertificateMaterial.Read(null, null), Start);
        var expired = Start + TimeSpan.FromMinutes(61);

        var plan = Planner.Plan(Read(first), expired);

        Assert.Equal(CertificateChanges.Ca | CertificateChanges.Server | CertificateChanges.Client, plan.Changes);
        Assert.Equal([plan.Ca.Thumbprint], Read(plan).Bundle.Select(c => c.Thumbprint));
    }

    [Fact]
    public void A_server_certificate_missing_a_Service_name_is_issued_again()
    {
        var first = Planner.Plan(CertificateMaterial.Read(null, null), Start);
        var renamed = new CertificatePlanner(Options, CertificateAuthority.ServiceDnsNames("scaler", "keda"));

        var plan = renamed.Plan(Read(first), Start + TimeSpan.FromMinutes(1));

        Assert.Equal(CertificateChanges.Server, plan.Changes);
        Assert.Null(plan.ClientData);
        Assert.Contains("scaler.keda.svc.cluster.local", Read(plan).Server!.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public void Secrets_the_Go_scaler_wrote_keep_their_server_CA_and_its_client_CA_stays_trusted()
    {
        // The Go scaler's cert-controller keeps one RSA CA per Secret; the client Secret's CA signs KEDA's certificate.
        var (serverData, serverCa) = GoSecret("server.crt", "server.key", CertificateAuthority.ServiceDnsNames("keda-kaito-scaler-svc", "keda").Skip(1));
        var (clientData, clientCa) = GoSecret("tls.crt", "tls.key", []);
        var goClient = CertificateMaterial.Read(null, clientData).Client!;

        var plan = Planner.Plan(CertificateMaterial.Read(serverData, clientData), Start);

        // Its server CA has its key, so it stays; the leaves are ours now (its server certificate lacks the bare Service name).
        Assert.Equal(serverCa.Thumbprint, plan.Ca.Thumbprint);
        Assert.Equal(CertificateChanges.Server | CertificateChanges.Client, plan.Changes);
        var stored = Read(plan);
        Assert.Equal([serverCa.Thumbprint, clientCa.Thumbprint], stored.Bundle.Select(c => c.Thumbprint));
        Assert.True(TrustedChain.Verify(goClient, stored.Bundle, Start, CertificateAuthority.ClientAuthentication));
        Assert.True(TrustedChain.Verify(stored.Client!, [serverCa], Start, CertificateAuthority.ClientAuthentication));
        Assert.DoesNotContain("ca.key", plan.ClientData!.Keys);
    }

    private static CertificateMaterial Read(CertificatePlan plan) => CertificateMaterial.Read(plan.ServerData, plan.ClientData);

    private static (Dictionary<string, byte[]> Data, X509Certificate2 Ca) GoSecret(string certificateKey, string keyKey, IEnumerable<string> dnsNames)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=keda-kaito-scaler-ca, O=kaito-project", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(Start - TimeSpan.FromDays(1), Start + TimeSpan.FromDays(3650));
        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=keda-kaito-scaler-svc.keda.svc", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        leafRequest.CertificateExtensions.Add(names.Build());
        // Go's x509 gives a CA a subject key identifier and its leaves the matching authority key identifier; both
        // of the Go scaler's CAs have the same name, so chain building tells them apart by it.
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var leaf = leafRequest.Create(ca, Start - TimeSpan.FromDays(1), Start + TimeSpan.FromDays(1800), [1, 2, 3, 4]);
        var data = new Dictionary<string, byte[]>
        {
            ["ca.crt"] = Encoding.UTF8.GetBytes(ca.ExportCertificatePem() + "\n"),
            ["ca.key"] = Encoding.UTF8.GetBytes(caKey.ExportRSAPrivateKeyPem()),
            [certificateKey] = Encoding.UTF8.GetBytes(leaf.ExportCertificatePem() + "\n"),
            [keyKey] = Encoding.UTF8.GetBytes(leafKey.ExportRSAPrivateKeyPem()),
        };
        return (data, ca);
    }
}
