using OrleansKaitoScaler.Grains.State;

namespace OrleansKaitoScaler.Silo.State;

/// <summary>The per-silo grain service behind <see cref="IInferenceSetStateService"/>: it reads the local registry, never a grain.</summary>
internal sealed class InferenceSetStateService(
    GrainId grainId,
    global::Orleans.Runtime.Silo silo,
    ILoggerFactory loggerFactory,
    InferenceSetStateRegistry registry) : GrainService(grainId, silo, loggerFactory), IInferenceSetStateService
{
    public Task<IReadOnlyList<InferenceSetState>> List() => Task.FromResult(registry.Snapshot());
}
