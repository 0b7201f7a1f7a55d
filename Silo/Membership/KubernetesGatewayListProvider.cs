using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>
/// Tells Orleans clients which silos accept them: every Active silo in the Kubernetes membership table with a
/// gateway (proxy) port, read afresh each <see cref="GatewayOptions.GatewayListRefreshPeriod"/>.
/// </summary>
internal sealed class KubernetesGatewayListProvider(KubernetesMembershipTable table, IOptions<GatewayOptions> options) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => options.Value.GatewayListRefreshPeriod;

    [Obsolete("Orleans no longer reads it; every provider is updatable.")]
    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    /// <summary>Nothing to create: a client only reads, and an absent table simply lists no gateways yet.</summary>
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken) =>
        table.InitializeMembershipTableAsync(tryInitTableVersion: false, cancellationToken);

    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        var data = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        return data.Members
            .Select(m => m.Item1)
            .Where(e => e.Status == SiloStatus.Active && e.ProxyPort != 0)
            .Select(e => SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri())
            .ToList();
    }
}
