using System.Diagnostics;
using OrleansKaitoScaler.TestSupport;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>Two provisioner replicas sharing one Lease in the API double, each with its own tapped client.</summary>
public sealed class LeaderElectionTests
{
    private static string? Holder(ProvisioningCluster cluster) =>
        cluster.Api.Store.Get("coordination.k8s.io/v1", "Lease", "keda", "keda-kaito-scaler")?["spec"]?["holderIdentity"]?.GetValue<string>();

    private static async Task<(ProvisionerInstance Leader, ProvisionerInstance Standby)> TwoAsync(ProvisioningCluster cluster, Func<Silo.Provisioning.LeaderElectionOptions>? election = null)
    {
        election ??= ProvisioningCluster.ShortLease;
        var a = await cluster.StartProvisionerAsync("scaler-a", election: election());
        await ProvisioningCluster.LeadingAsync(a);
        var b = await cluster.StartProvisionerAsync("scaler-b", election: election());
        await Eventually.True(() => b.Tap.Requests("leases") >= 2, TimeSpan.FromSeconds(10), "the second replica competing for the Lease");
        return (a, b);
    }

    [Fact]
    public async Task Of_two_provisioners_only_the_Lease_holder_writes()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var (a, b) = await TwoAsync(cluster);

        foreach (var name in (string[])["set-0", "set-1", "set-2"])
        {
            cluster.InferenceSet(name, ProvisioningCluster.Simple());
        }

        cluster.InferenceSet("set-3", ProvisioningCluster.Simple((MaxReplicas, "1")));
        foreach (var name in (string[])["set-0", "set-1", "set-2"])
        {
            await cluster.ScaledObjectAsync(name, _ => true, $"the ScaledObject of {name}");
        }

        cluster.InferenceSet("set-0", ProvisioningCluster.Simple((Threshold, "20")));
        await cluster.ScaledObjectAsync("set-0", o => o["spec"]!["triggers"]![0]!["metadata"]!["threshold"]!.GetValue<string>() == "20", "the update");
        await cluster.EventAsync(Silo.Provisioning.ProvisioningEventReasons.InvalidReplicaRange);

        Assert.Equal("scaler-a", Holder(cluster));
        Assert.True(a.IsLeader);
        Assert.False(b.IsLeader);
        Assert.Equal(4, a.Tap.Writes("scaledobjects"));
        Assert.Equal(0, b.Tap.Writes("scaledobjects"));
        Assert.Equal(0, b.Tap.Writes("events"));
        var polls = b.Tap.Requests("leases");
        await Eventually.True(() => b.Tap.Requests("leases") > polls, TimeSpan.FromSeconds(5), "the standby still competing");
        Assert.Equal(0, b.Tap.Writes("scaledobjects"));
    }

    [Fact]
    public async Task When_the_leader_dies_the_other_takes_over_within_the_lease_duration_and_provisions()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var (a, b) = await TwoAsync(cluster);

        var sinceDeath = Stopwatch.StartNew();
        await a.KillAsync();
        cluster.InferenceSet("after", ProvisioningCluster.Simple());

        await ProvisioningCluster.LeadingAsync(b, TimeSpan.FromSeconds(10));
        var takeover = sinceDeath.Elapsed;
        await cluster.ScaledObjectAsync("after", _ => true, "the ScaledObject the new leader writes");

        // Not released (the process died), so the successor waits out the lease: about its duration plus a retry period.
        Assert.True(
            takeover > TimeSpan.FromSeconds(1) && takeover < ProvisioningCluster.LeaseDuration + TimeSpan.FromSeconds(2),
            $"took over after {takeover}{Environment.NewLine}{a.Log}{Environment.NewLine}{b.Log}");
        Assert.Equal("scaler-b", Holder(cluster));
        Assert.False(a.IsLeader);
        Assert.Equal(1, b.Tap.Writes("scaledobjects"));
    }

    [Fact]
    public async Task A_leader_that_shuts_down_cleanly_releases_the_Lease_so_the_other_takes_over_at_once()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();

        // A long lease, so a takeover without the release could not come this fast.
        var (a, b) = await TwoAsync(cluster, () => new()
        {
            LeaseDuration = TimeSpan.FromSeconds(5),
            RenewDeadline = TimeSpan.FromSeconds(4),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });

        var sinceStop = Stopwatch.StartNew();
        await a.DisposeAsync();
        await ProvisioningCluster.LeadingAsync(b, TimeSpan.FromSeconds(10));

        Assert.True(sinceStop.Elapsed < TimeSpan.FromSeconds(2.5), $"took over after {sinceStop.Elapsed}{Environment.NewLine}{a.Log}{Environment.NewLine}{b.Log}");
        Assert.Equal("scaler-b", Holder(cluster));
    }

    [Fact]
    public async Task A_standby_cut_off_from_the_API_server_keeps_competing_and_takes_over_later()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var (a, b) = await TwoAsync(cluster);

        b.Tap.Sever();
        await Eventually.True(() => b.Tap.Refused >= 5, TimeSpan.FromSeconds(10), "the standby's attempts failing");
        b.Tap.Restore();
        await a.KillAsync();

        await ProvisioningCluster.LeadingAsync(b, TimeSpan.FromSeconds(10));
        Assert.Equal("scaler-b", Holder(cluster));
    }
}
