using k8s.Autorest;
using Orleans;
using Orleans.Runtime;
using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;

namespace OrleansKaitoScaler.Silo.Tests.Membership;

/// <summary>
/// What the Kubernetes API adds to the contract: tables in different silos (each with its own client) racing on one
/// ConfigMap, and API errors — a lost compare-and-swap is <c>false</c>, a server failure is an exception.
/// </summary>
public sealed class KubernetesMembershipConcurrencyTests : IAsyncLifetime
{
    private MembershipApi _api = null!;

    public async Task InitializeAsync() => _api = await MembershipApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static bool IsConfigMapGet(ApiRequest r) => r.Resource == "configmaps" && r.Verb == "get";

    private static bool IsConfigMapUpdate(ApiRequest r) => r.Resource == "configmaps" && r.Verb == "update";

    private static bool IsPut(HttpRequestMessage r) => r.Method == HttpMethod.Put;

    /// <summary>Delays reads 0.2 s and writes 1 s at the server: two silos starting together both read before either writes.</summary>
    private IDisposable SameReadThenWrite()
    {
        var reads = _api.Api.Faults.AddLatency(TimeSpan.FromMilliseconds(200), IsConfigMapGet);
        var writes = _api.Api.Faults.AddLatency(TimeSpan.FromSeconds(1), IsConfigMapUpdate);
        return new Both(reads, writes);
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    [Fact]
    public async Task Two_silos_inserting_with_the_same_table_version_cannot_both_win()
    {
        var first = await _api.TableAsync();
        var second = await _api.TableAsync();

        for (var round = 1; round <= 5; round++)
        {
            var version = (await first.ReadAll()).Version;
            var (a, b) = (MembershipEntries.New(), MembershipEntries.New());

            // Both reads answer before either write lands, so both silos decide on the same table and only the
            // API server's resourceVersion check can tell their writes apart.
            bool[] results;
            using (SameReadThenWrite())
            {
                results = await Task.WhenAll(first.InsertRow(a, version.Next()), second.InsertRow(b, version.Next()));
            }

            Assert.Single(results, won => won);
            var data = await second.ReadAll();
            Assert.Equal(round, data.Members.Count);
            Assert.Equal(round, data.Version.Version);
            Assert.NotNull(data.TryGet(results[0] ? a.SiloAddress : b.SiloAddress));
            Assert.Null(data.TryGet(results[0] ? b.SiloAddress : a.SiloAddress));
        }

        Assert.Equal(5, _api.Writes(409));
    }

    [Fact]
    public async Task Two_silos_updating_one_row_with_the_same_read_cannot_both_win()
    {
        var first = await _api.TableAsync();
        var second = await _api.TableAsync();
        var entry = MembershipEntries.New();
        Assert.True(await first.InsertRow(entry, (await first.ReadAll()).Version.Next()));
        var read = await second.ReadRow(entry.SiloAddress);
        var etag = read.Members[0].Item2;
        var active = MembershipEntries.New();
        active.SiloAddress = entry.SiloAddress;
        active.Status = SiloStatus.Active;
        var dead = MembershipEntries.New();
        dead.SiloAddress = entry.SiloAddress;
        dead.Status = SiloStatus.Dead;

        bool[] results;
        using (SameReadThenWrite())
        {
            results = await Task.WhenAll(first.UpdateRow(active, etag, read.Version.Next()), second.UpdateRow(dead, etag, read.Version.Next()));
        }

        Assert.Single(results, won => won);
        var row = (await first.ReadRow(entry.SiloAddress)).Members[0].Item1;
        Assert.Equal(results[0] ? SiloStatus.Active : SiloStatus.Dead, row.Status);
        Assert.Equal(1, _api.Writes(409));
    }

    [Fact]
    public async Task A_409_on_InsertRow_answers_false_without_retrying()
    {
        var table = await _api.TableAsync();
        var version = (await table.ReadAll()).Version;
        _api.Api.Faults.FailNext(1, 409, IsConfigMapUpdate);

        Assert.False(await table.InsertRow(MembershipEntries.New(), version.Next()));

        Assert.Equal(1, _api.Api.Requests.Count(r => IsConfigMapUpdate(r.Request)));
        var data = await table.ReadAll();
        Assert.Empty(data.Members);
        Assert.Equal(version, data.Version);
    }

    [Fact]
    public async Task A_409_on_UpdateRow_answers_false_without_retrying()
    {
        var table = await _api.TableAsync();
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var read = await table.ReadRow(entry.SiloAddress);
        _api.Api.Requests.Clear();
        _api.Api.Faults.FailNext(1, 409, IsConfigMapUpdate);
        entry.Status = SiloStatus.Active;

        Assert.False(await table.UpdateRow(entry, read.Members[0].Item2, read.Version.Next()));

        Assert.Equal(1, _api.Api.Requests.Count(r => IsConfigMapUpdate(r.Request)));
        Assert.Equal(SiloStatus.Joining, (await table.ReadRow(entry.SiloAddress)).Members[0].Item1.Status);
    }

    [Fact]
    public async Task A_409_on_UpdateIAmAlive_is_retried_on_a_fresh_read()
    {
        var table = await _api.TableAsync();
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        _api.Api.Requests.Clear();
        _api.Api.Faults.FailNext(1, 409, IsConfigMapUpdate);
        var aliveAt = DateTime.UtcNow.AddSeconds(1);

        await table.UpdateIAmAlive(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = aliveAt });

        Assert.Equal(aliveAt, (await table.ReadRow(entry.SiloAddress)).Members[0].Item1.IAmAliveTime);
        Assert.Equal([409, 200], _api.Api.Requests.Snapshot().Where(r => IsConfigMapUpdate(r.Request)).Select(r => r.StatusCode));
    }

    [Fact]
    public async Task A_heartbeat_that_loses_to_another_silo_is_applied_again_without_undoing_its_write()
    {
        var pausing = new PausingHandler();
        var mine = await _api.TableAsync(pausing: pausing);
        var theirs = await _api.TableAsync();
        var me = MembershipEntries.New();
        var them = MembershipEntries.New();
        Assert.True(await mine.InsertRow(me, (await mine.ReadAll()).Version.Next()));
        var read = await theirs.ReadAll();
        var aliveAt = DateTime.UtcNow.AddSeconds(1);

        // My heartbeat has read the table and is about to write when the other silo's insert lands.
        var held = pausing.PauseNext(IsPut);
        var heartbeat = mine.UpdateIAmAlive(new MembershipEntry { SiloAddress = me.SiloAddress, IAmAliveTime = aliveAt });
        await held.Reached;
        Assert.True(await theirs.InsertRow(them, read.Version.Next()));
        held.Release();
        await heartbeat.WaitAsync(TimeSpan.FromSeconds(10));

        var data = await mine.ReadAll();
        Assert.Equal(aliveAt, data.TryGet(me.SiloAddress)!.Item1.IAmAliveTime);
        Assert.NotNull(data.TryGet(them.SiloAddress));
        Assert.Equal(read.Version.Version + 1, data.Version.Version);
        Assert.Equal(1, _api.Writes(409));
    }

    [Fact]
    public async Task An_insert_decided_on_a_table_another_silo_has_since_changed_is_refused_by_the_API_server()
    {
        var pausing = new PausingHandler();
        var slow = await _api.TableAsync(pausing: pausing);
        var fast = await _api.TableAsync();
        var version = (await slow.ReadAll()).Version;

        var held = pausing.PauseNext(IsPut);
        var late = slow.InsertRow(MembershipEntries.New(), version.Next());
        await held.Reached;
        var winner = MembershipEntries.New();
        Assert.True(await fast.InsertRow(winner, version.Next()));
        held.Release();

        Assert.False(await late.WaitAsync(TimeSpan.FromSeconds(10)));
        var (row, _) = Assert.Single((await slow.ReadAll()).Members);
        Assert.Equal(winner.SiloAddress, row.SiloAddress);
        Assert.Equal(1, _api.Writes(409));
    }

    [Fact]
    public async Task UpdateIAmAlive_gives_up_after_the_configured_retries()
    {
        var table = await _api.TableAsync();
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        _api.Api.Requests.Clear();
        _api.Api.Faults.FailNext(10, 409, IsConfigMapUpdate);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            table.UpdateIAmAlive(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = DateTime.UtcNow }));

        Assert.Equal(1 + MembershipApi.Options().MaxConflictRetries, _api.Api.Requests.Count(r => IsConfigMapUpdate(r.Request)));
    }

    [Fact]
    public async Task UpdateIAmAlive_of_a_silo_without_a_row_is_an_error()
    {
        var table = await _api.TableAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            table.UpdateIAmAlive(new MembershipEntry { SiloAddress = MembershipEntries.NewSiloAddress(), IAmAliveTime = DateTime.UtcNow }));
    }

    [Fact]
    public async Task A_server_error_is_thrown_for_Orleans_to_retry_not_answered_false()
    {
        var table = await _api.TableAsync();
        var entry = MembershipEntries.New();
        var version = (await table.ReadAll()).Version;

        _api.Api.Faults.FailNext(1, 500, IsConfigMapUpdate);
        var insert = await Assert.ThrowsAsync<HttpOperationException>(() => table.InsertRow(entry, version.Next()));
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, insert.Response.StatusCode);
        Assert.Empty((await table.ReadAll()).Members);

        _api.Api.Faults.FailNext(1, 500, IsConfigMapGet);
        await Assert.ThrowsAsync<HttpOperationException>(() => table.ReadAll());

        Assert.True(await table.InsertRow(entry, version.Next()), "the same insert once the server recovers");
        var read = await table.ReadRow(entry.SiloAddress);
        _api.Api.Faults.FailNext(1, 503, IsConfigMapUpdate);
        await Assert.ThrowsAsync<HttpOperationException>(() => table.UpdateRow(entry, read.Members[0].Item2, read.Version.Next()));
    }
}
