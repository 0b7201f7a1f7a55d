using Orleans.Services;
using OrleansKaitoScaler.Grains.State;

namespace OrleansKaitoScaler.Silo.State;

/// <summary>Runs on every silo and hands out that silo's board of InferenceSet states: the cheap path the state page reads.</summary>
public interface IInferenceSetStateService : IGrainService
{
    Task<IReadOnlyList<InferenceSetState>> List();
}
