using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansKaitoScaler.Silo.Membership;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Membership;

/// <summary>Real Orleans silos in this process, clustered through the table in the API double and nothing else.</summary>
public sealed class KubernetesMembershipClusterTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_silos_join_through_the_table_see_each_other_and_a_stopped_one_is_marked_dead()
    {
        await using var api = await MembershipApi.StartAsync();
        using var first = await StartSiloAsync(api, "silo-a");
        using var second = await StartSiloAsync(api, "silo-b");

        foreach (var host in new[] { first, second })
        {
            var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var hosts = await Eventually.Get(() => management.GetHosts(onlyActive: true), h => h.Count == 2, Within, "both silos Active in the cluster view");
            Assert.Equal(
                new[] { Address(first), Address(second) }.Order(),
                hosts.Keys.Order());
        }

        var table = api.Table();
        var rows = (await table.ReadAll()).Members.Select(m => m.Item1).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(SiloStatus.Active, r.Status));
        Assert.Equal(2, (await MembershipApi.Gateways(table).GetGateways()).Count);

        var stopped = Address(second);
        await second.StopAsync().WaitAsync(Within);

        await Eventually.Get(
            async () => (await table.ReadRow(stopped)).Members.Single().Item1.Status,
            s => s == SiloStatus.Dead,
            Within,
            "the stopped silo's row marked Dead");
        var view = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        Assert.Equal([Address(first)], (await view.GetHosts(onlyActive: true)).Keys);
        await first.StopAsync().WaitAsync(Within);
    }

    private static SiloAddress Address(IHost host) => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    private static async Task<IHost> StartSiloAsync(MembershipApi api, string name)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(api.Client());
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = api.ClusterId;
                o.ServiceId = "membership-tests";
            })
            .Configure<SiloOptions>(o => o.SiloName = name)
            .ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next())
            .UseKubernetesMembership(o => o.Namespace = MembershipApi.Namespace));
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(Within);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
