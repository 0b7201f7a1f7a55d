using System.Security.Cryptography.X509Certificates;
using OrleansKaitoScaler.Silo.Security;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Security;

public sealed class CertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<string> Names = CertificateAuthority.ServiceDnsNames("keda-kaito-scaler-svc", "keda");

    [Fact]
    public void The_CA_is_a_self_signed_P256_CA_that_only_signs_certificates_and_lives_its_lifetime()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(3650));

        var constraints = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        var usage = Assert.Single(ca.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.True(constraints.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.Equal(ca.SubjectName.Name, ca.IssuerName.Name);
        Assert.Equal("CN=keda-kaito-scaler-ca, O=kaito-project", ca.Subject);
        Assert.Equal("1.2.840.10045.2.1", ca.PublicKey.Oid.Value); // id-ecPublicKey
        Assert.True(ca.HasPrivateKey);
        Assert.Equal((Now - CertificateAuthority.Backdate).UtcDateTime, ca.NotBefore.ToUniversalTime());
        Assert.Equal((Now + TimeSpan.FromDays(3650)).UtcDateTime, ca.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void The_server_certificate_names_every_DNS_name_of_the_Service_and_serves_TLS_only()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(3650));
        using var server = CertificateAuthority.IssueServer(ca, Names, Now, TimeSpan.FromDays(365));

        var names = Assert.Single(server.Extensions.OfType<X509SubjectAlternativeNameExtension>()).EnumerateDnsNames();
        Assert.Equal(
            ["keda-kaito-scaler-svc", "keda-kaito-scaler-svc.keda", "keda-kaito-scaler-svc.keda.svc", "keda-kaito-scaler-svc.keda.svc.cluster", "keda-kaito-scaler-svc.keda.svc.cluster.local"],
            names);
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], Assert.Single(server.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(server.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.False(Assert.Single(server.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.Equal(ca.SubjectName.Name, server.IssuerName.Name);
        Assert.True(server.HasPrivateKey);
        Assert.True(TrustedChain.Verify(server, [ca], Now, CertificateAuthority.ServerAuthentication));
        Assert.False(TrustedChain.Verify(server, [ca], Now, CertificateAuthority.ClientAuthentication));
    }

    [Fact]
    public void The_client_certificate_is_for_client_authentication_only_and_chains_to_the_CA()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(3650));
        using var client = CertificateAuthority.IssueClient(ca, Now, TimeSpan.FromDays(365));

        Assert.Equal(["1.3.6.1.5.5.7.3.2"], Assert.Single(client.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Equal("CN=keda-kaito-scaler-client, O=kaito-project", client.Subject);
        Assert.Equal((Now + TimeSpan.FromDays(365)).UtcDateTime, client.NotAfter.ToUniversalTime());
        Assert.True(TrustedChain.Verify(client, [ca], Now, CertificateAuthority.ClientAuthentication));
        Assert.False(TrustedChain.Verify(client, [ca], Now, CertificateAuthority.ServerAuthentication));
    }

    [Fact]
    public void A_leaf_never_outlives_its_CA()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(30));
        using var client = CertificateAuthority.IssueClient(ca, Now + TimeSpan.FromDays(20), TimeSpan.FromDays(365));

        Assert.Equal(ca.NotAfter, client.NotAfter);
    }

    [Fact]
    public void Renewal_is_due_at_two_thirds_of_the_validity()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromMinutes(55));

        // Valid from Now - 5 min to Now + 55 min: 60 minutes, two-thirds of which is 40.
        Assert.Equal(Now + TimeSpan.FromMinutes(35), CertificateAuthority.RenewalTime(ca));
    }

    [Fact]
    public void Only_a_leaf_of_a_trusted_CA_valid_at_the_given_time_chains()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(3650));
        using var other = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(3650));
        using var ours = CertificateAuthority.IssueClient(ca, Now, TimeSpan.FromDays(1));
        using var theirs = CertificateAuthority.IssueClient(other, Now, TimeSpan.FromDays(1));
        using var selfSigned = SelfSignedCertificate.ForClient("keda-kaito-scaler-client");

        Assert.Null(TrustedChain.Check(ours, [ca], Now, CertificateAuthority.ClientAuthentication));
        Assert.NotNull(TrustedChain.Check(theirs, [ca], Now, CertificateAuthority.ClientAuthentication));
        Assert.NotNull(TrustedChain.Check(selfSigned, [ca], DateTimeOffset.UtcNow, CertificateAuthority.ClientAuthentication));
        Assert.Contains("NotTimeValid", TrustedChain.Check(ours, [ca], Now + TimeSpan.FromDays(2), CertificateAuthority.ClientAuthentication), StringComparison.Ordinal);
        Assert.NotNull(TrustedChain.Check(ca, [ca], Now, CertificateAuthority.ClientAuthentication));
    }
}
