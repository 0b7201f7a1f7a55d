using Orleans.Runtime.Services;
using OrleansKaitoScaler.Grains.State;

namespace OrleansKaitoScaler.Silo.State;

/// <summary>Collects every active silo's board: one call per silo, however many InferenceSets there are.</summary>
internal sealed class InferenceSetStateReader(IServiceProvider services, IGrainFactory grains)
    : GrainServiceClient<IInferenceSetStateService>(services)
{
    public async Task<IReadOnlyList<InferenceSetState>> ListAllAsync()
    {
        var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var boards = await Task.WhenAll(silos.Keys.Select(silo => GetGrainService(silo).List()));
        return boards.SelectMany(b => b).ToArray();
    }
}
