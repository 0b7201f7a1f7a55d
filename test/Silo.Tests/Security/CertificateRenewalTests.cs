using OrleansKaitoScaler.Silo.Security;
using OrleansKaitoScaler.Silo.Tests.Membership;

namespace OrleansKaitoScaler.Silo.Tests.Security;

public sealed class CertificateRenewalTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    /// <summary>The CA's renewal time: the next CA is published (and the leaves, due too, re-issued by the current one).</summary>
    private static readonly DateTimeOffset CaDue = Start + TimeSpan.FromMinutes(38) + TimeSpan.FromSeconds(21);

    [Fact]
    public async Task A_replica_whose_create_loses_the_race_adopts_the_winners_CA_instead_of_writing_its_own()
    {
        await using var api = await CertificateApi.StartAsync();

        var (won, lost) = await RaceAsync(api, Start, HttpMethod.Post);

        Assert.NotNull(won);
        Assert.NotNull(lost);
        Assert.Equal(1, lost.LostRaces);
        Assert.False(lost.Wrote);
        Assert.Equal(won.Plan.Ca.Thumbprint, lost.Plan.Ca.Thumbprint);
        Assert.Equal([won.Plan.Ca.Thumbprint], api.Stored().Bundle.Select(c => c.Thumbprint));
        Assert.Equal(2, api.SecretWrites("create", 201));
    }

    [Fact]
    public async Task A_renewal_at_a_stale_resourceVersion_is_refused_and_the_replica_adopts_the_next_CA_that_won()
    {
        await using var api = await CertificateApi.StartAsync();
        var first = await api.Renewal().RenewAsync(Start, CancellationToken.None);

        var (won, lost) = await RaceAsync(api, CaDue, HttpMethod.Put);

        Assert.True(won!.Plan.Changes.HasFlag(CertificateChanges.NextCa));
        Assert.Equal(1, lost!.LostRaces);
        Assert.Equal(Thumbprints(won.Plan.Bundle), Thumbprints(lost.Plan.Bundle));
        Assert.Equal($"{first!.Plan.Ca.Thumbprint},{won.Plan.Bundle[1].Thumbprint}", Thumbprints(api.Stored().Bundle));
        Assert.Equal(won.Plan.Bundle[1].Thumbprint, api.Stored().NextCa!.Thumbprint);
        Assert.Equal(1, api.SecretWrites("update", 409));
    }

    [Fact]
    public async Task Replicas_renewing_at_once_store_one_CA_and_one_successor_and_all_adopt_them()
    {
        await using var api = await CertificateApi.StartAsync();
        var replicas = Enumerable.Range(0, 4).Select(_ => api.Renewal()).ToArray();

        var created = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.RenewAsync(Start, CancellationToken.None))));
        var rotated = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.RenewAsync(CaDue, CancellationToken.None))));

        // A create can succeed once per Secret, and a rotation once per Secret: every other writer got a 409 and re-read.
        Assert.Equal(2, api.SecretWrites("create", 201));
        Assert.Equal(2, api.SecretWrites("update", 200));
        Assert.Single(created.Select(r => r!.Plan.Ca.Thumbprint).Distinct());
        Assert.Single(rotated.Select(r => Thumbprints(r!.Plan.Bundle)).Distinct());
        var stored = api.Stored();
        Assert.Equal(Thumbprints(rotated[0]!.Plan.Bundle), Thumbprints(stored.Bundle));
        Assert.Equal(2, stored.Bundle.Count);
        Assert.Equal(created[0]!.Plan.Ca.Thumbprint, stored.Ca!.Thumbprint);
        Assert.True(TrustedChain.Verify(stored.Client!, [stored.Ca!], CaDue, CertificateAuthority.ClientAuthentication));
        Assert.True(TrustedChain.Verify(stored.Server!, [stored.Ca!], CaDue, CertificateAuthority.ServerAuthentication));
    }

    private static string Thumbprints(IEnumerable<System.Security.Cryptography.X509Certificates.X509Certificate2> bundle) =>
        string.Join(",", bundle.Select(c => c.Thumbprint));

    /// <summary>
    /// Two replicas renewing at <paramref name="at"/>, played in a fixed order: the loser has read the Secrets and its
    /// first <paramref name="write"/> is held while the winner renews completely; then the loser's write goes on.
    /// </summary>
    private static async Task<(CertificateRenewalResult? Won, CertificateRenewalResult? Lost)> RaceAsync(CertificateApi api, DateTimeOffset at, HttpMethod write)
    {
        var pausing = new PausingHandler();
        var loser = api.Renewal(pausing);
        var winner = api.Renewal();
        var held = pausing.PauseNext(r => r.Method == write);

        var losing = loser.RenewAsync(at, CancellationToken.None);
        await held.Reached;
        var won = await winner.RenewAsync(at, CancellationToken.None);
        held.Release();
        return (won, await losing);
    }
}
