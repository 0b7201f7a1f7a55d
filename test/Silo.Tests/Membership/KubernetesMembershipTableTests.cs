using Orleans;
using Orleans.Runtime;
using OrleansKaitoScaler.Silo.Membership;

namespace OrleansKaitoScaler.Silo.Tests.Membership;

/// <summary>
/// Orleans' membership-table contract, test for test after Orleans' own <c>MembershipTableTestsBase</c> (extended
/// protocol: table versions and etags are checked), against the API double.
/// </summary>
public sealed class KubernetesMembershipTableTests : IAsyncLifetime
{
    private MembershipApi _api = null!;
    private KubernetesMembershipTable _table = null!;

    public async Task InitializeAsync()
    {
        _api = await MembershipApi.StartAsync();
        _table = await _api.TableAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Gateways_are_the_Active_silos_with_a_proxy_port()
    {
        var entries = Enumerable.Range(0, 10).Select(_ => MembershipEntries.New()).ToArray();
        entries[3].Status = SiloStatus.Active;
        entries[3].ProxyPort = 0;
        entries[5].Status = SiloStatus.Active;
        entries[9].Status = SiloStatus.Active;
        var data = await _table.ReadAll();
        Assert.Empty(data.Members);

        var version = data.Version;
        foreach (var entry in entries)
        {
            Assert.True(await _table.InsertRow(entry, version.Next()));
            version = (await _table.ReadRow(entry.SiloAddress)).Version;
        }

        var gateways = (await MembershipApi.Gateways(_table).GetGateways()).Select(g => g.ToString()).ToList();

        Assert.Equal(
            new[] { entries[5], entries[9] }.Select(e => e.SiloAddress.ToGatewayUri().ToString()).Order(),
            gateways.Order());
    }

    [Fact]
    public async Task An_empty_table_reads_as_version_zero_with_no_rows()
    {
        var data = await _table.ReadAll();

        Assert.Empty(data.Members);
        Assert.NotNull(data.Version.VersionEtag);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task InsertRow_adds_the_row_and_sets_the_table_version()
    {
        var data = await _table.ReadAll();

        Assert.True(await _table.InsertRow(MembershipEntries.New(), data.Version.Next()));

        data = await _table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task InsertRow_refuses_a_stale_version_or_an_existing_row_and_ReadRow_returns_the_row_with_its_etag()
    {
        var data = await _table.ReadAll();
        var newVersion = data.Version.Next();
        var entry = MembershipEntries.New();

        Assert.True(await _table.InsertRow(entry, newVersion));
        Assert.False(await _table.InsertRow(entry, newVersion), "same entry, old table version");
        Assert.False(await _table.InsertRow(MembershipEntries.New(), newVersion), "new entry, old table version");

        data = await _table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        Assert.False(await _table.InsertRow(entry, data.Version.Next()), "duplicate entry, current table version");
        Assert.Single((await _table.ReadAll()).Members);

        data = await _table.ReadRow(entry.SiloAddress);
        Assert.Equal(newVersion.Version, data.Version.Version);
        Assert.NotEqual(newVersion.VersionEtag, data.Version.VersionEtag);
        var (row, etag) = Assert.Single(data.Members);
        Assert.NotNull(etag);
        Assert.Equal(entry.ToFullString(), row.ToFullString());
    }

    [Fact]
    public async Task ReadAll_after_InsertRow_returns_the_row_and_a_new_version_etag()
    {
        var data = await _table.ReadAll();
        var newVersion = data.Version.Next();
        var entry = MembershipEntries.New();
        Assert.True(await _table.InsertRow(entry, newVersion));

        data = await _table.ReadAll();

        var (row, etag) = Assert.Single(data.Members);
        Assert.NotNull(etag);
        Assert.Equal(entry.ToFullString(), row.ToFullString());
        Assert.NotEqual(newVersion.VersionEtag, data.Version.VersionEtag);
        Assert.Equal(newVersion.Version, data.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_succeeds_only_with_the_current_row_etag_and_table_version()
    {
        var data = await _table.ReadAll();
        Assert.Equal(0, data.Version.Version);

        for (var i = 1; i < 10; i++)
        {
            var entry = MembershipEntries.New();
            entry.SuspectTimes =
            [
                Tuple.Create(MembershipEntries.NewSiloAddress(), MembershipEntries.NowToTheSecond().AddSeconds(1)),
                Tuple.Create(MembershipEntries.NewSiloAddress(), MembershipEntries.NowToTheSecond().AddSeconds(2)),
            ];
            var version = data.Version.Next();
            Assert.True(await _table.InsertRow(entry, version));
            data = await _table.ReadAll();
            var etagBefore = data.TryGet(entry.SiloAddress)?.Item2;
            Assert.NotNull(etagBefore);

            Assert.False(await _table.UpdateRow(entry, etagBefore, version), "current row etag, old table version");
            data = await _table.ReadAll();
            version = data.Version.Next();

            Assert.True(await _table.UpdateRow(entry, etagBefore, version), $"current row etag and version - {data}");
            Assert.False(await _table.UpdateRow(entry, etagBefore, version), "old row etag, old table version");

            data = await _table.ReadAll();
            var (row, etagAfter) = data.TryGet(entry.SiloAddress)!;
            Assert.Equal(entry.ToFullString(), row.ToFullString());
            Assert.NotEqual(etagBefore, etagAfter);
            Assert.False(await _table.UpdateRow(entry, etagAfter, version), "current row etag, old table version");

            data = await _table.ReadAll();
            Assert.Equal(etagAfter, data.TryGet(entry.SiloAddress)?.Item2);
            Assert.Equal(version.Version, data.Version.Version);
            Assert.Equal(i, data.Members.Count);
        }
    }

    [Fact]
    public async Task UpdateRow_with_a_stale_row_etag_fails_even_with_the_current_table_version()
    {
        var entry = MembershipEntries.New();
        Assert.True(await _table.InsertRow(entry, (await _table.ReadAll()).Version.Next()));
        var first = await _table.ReadRow(entry.SiloAddress);
        var staleEtag = first.Members[0].Item2;
        entry.Status = SiloStatus.Active;
        Assert.True(await _table.UpdateRow(entry, staleEtag, first.Version.Next()));

        var current = await _table.ReadAll();
        entry.Status = SiloStatus.Dead;
        Assert.False(await _table.UpdateRow(entry, staleEtag, current.Version.Next()));

        var after = await _table.ReadAll();
        Assert.Equal(SiloStatus.Active, after.TryGet(entry.SiloAddress)!.Item1.Status);
        Assert.Equal(current.Version, after.Version);
    }

    [Fact]
    public async Task Of_many_concurrent_inserts_with_one_version_exactly_one_wins_and_concurrent_updates_each_apply_once()
    {
        var data = await _table.ReadAll();
        var entry = MembershipEntries.New();
        var version = data.Version.Next();

        var inserts = await Task.WhenAll(Enumerable.Range(1, 20).Select(async _ =>
        {
            try
            {
                return await _table.InsertRow(entry, version);
            }
            catch (Exception)
            {
                return false;
            }
        }));
        Assert.Single(inserts, won => won);

        await Task.WhenAll(Enumerable.Range(1, 19).Select(async _ =>
        {
            var done = false;
            do
            {
                var read = await _table.ReadAll();
                var row = read.TryGet(entry.SiloAddress);
                await Task.Delay(10);
                if (row is null)
                {
                    continue;
                }

                try
                {
                    done = await _table.UpdateRow(row.Item1, row.Item2, read.Version.Next());
                }
                catch (Exception)
                {
                    done = false;
                }
            }
            while (!done);
        })).WaitAsync(TimeSpan.FromSeconds(30));

        data = await _table.ReadAll();
        Assert.Equal(20, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task UpdateIAmAlive_writes_the_time_and_leaves_the_version_and_row_etag_usable()
    {
        var data = await _table.ReadAll();
        var newVersion = data.Version.Next();
        var entry = MembershipEntries.New();
        Assert.True(await _table.InsertRow(entry, newVersion));
        var before = await _table.ReadRow(entry.SiloAddress);
        var aliveAt = DateTime.UtcNow.AddSeconds(5);

        // What Orleans' heartbeat passes: the address and the time, nothing else.
        await _table.UpdateIAmAlive(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = aliveAt });

        data = await _table.ReadAll();
        var (row, etag) = data.TryGet(entry.SiloAddress)!;
        Assert.Equal(aliveAt, row.IAmAliveTime);
        Assert.Equal(entry.SiloName, row.SiloName);
        Assert.Equal(entry.Status, row.Status);
        Assert.Equal(newVersion.Version, data.Version.Version);
        Assert.Equal(before.Version, data.Version);
        Assert.Equal(before.Members[0].Item2, etag);

        entry.Status = SiloStatus.Active;
        Assert.True(await _table.UpdateRow(entry, before.Members[0].Item2, before.Version.Next()), "a heartbeat must not invalidate an earlier read");
        Assert.Equal(aliveAt, (await _table.ReadRow(entry.SiloAddress)).Members[0].Item1.IAmAliveTime);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_removes_old_rows_of_every_status_but_Active()
    {
        var oldDead = Old(SiloStatus.Dead);
        Assert.True(await _table.InsertRow(oldDead, (await _table.ReadAll()).Version.Next()));
        Assert.True(await _table.InsertRow(Old(SiloStatus.Joining), (await _table.ReadAll()).Version.Next()));
        var recent = MembershipEntries.New();
        Assert.True(await _table.InsertRow(recent, (await _table.ReadAll()).Version.Next()));
        foreach (var status in Enum.GetValues<SiloStatus>())
        {
            Assert.True(await _table.InsertRow(Old(status), (await _table.ReadAll()).Version.Next()));
        }

        var before = await _table.ReadAll();

        await _table.CleanupDefunctSiloEntries(oldDead.IAmAliveTime.AddDays(3));

        var data = await _table.ReadAll();
        Assert.Equal(2, data.Members.Count);
        Assert.Contains(data.Members, m => m.Item1.SiloAddress.Equals(recent.SiloAddress));
        Assert.Contains(data.Members, m => m.Item1.Status == SiloStatus.Active);
        Assert.Equal(before.Version, data.Version);

        static MembershipEntry Old(SiloStatus status)
        {
            var entry = MembershipEntries.New(status);
            entry.IAmAliveTime = entry.IAmAliveTime.AddDays(-10);
            entry.StartTime = entry.StartTime.AddDays(-10);
            return entry;
        }
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_keeps_a_silo_declared_dead_recently()
    {
        var entry = MembershipEntries.New(SiloStatus.Dead);
        entry.IAmAliveTime = entry.IAmAliveTime.AddDays(-10);
        entry.StartTime = entry.StartTime.AddDays(-10);
        entry.AddSuspector(MembershipEntries.NewSiloAddress(), DateTime.UtcNow);
        Assert.True(await _table.InsertRow(entry, (await _table.ReadAll()).Version.Next()));

        await _table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddDays(-3));

        Assert.Single((await _table.ReadAll()).Members);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_removes_the_cluster_table_and_no_other()
    {
        var other = await _api.TableAsync(clusterId: "other-cluster");
        Assert.True(await other.InsertRow(MembershipEntries.New(), (await other.ReadAll()).Version.Next()));
        Assert.True(await _table.InsertRow(MembershipEntries.New(), (await _table.ReadAll()).Version.Next()));

        await _table.DeleteMembershipTableEntries(_api.ClusterId);

        Assert.Null(_api.ConfigMap(_table));
        var data = await _table.ReadAll();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.Single((await other.ReadAll()).Members);
        await _table.DeleteMembershipTableEntries(_api.ClusterId);
    }
}
