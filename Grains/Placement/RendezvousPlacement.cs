using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>
/// Places a grain on the active silo <see cref="Rendezvous"/> picks for its key, leaving out a silo that is draining
/// for shutdown. The <see cref="InferenceSetBalancer"/> moves grains whose pick changed (a silo joined) to it.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class RendezvousPlacement : PlacementStrategy
{
    internal static readonly RendezvousPlacement Singleton = new();
}

/// <summary>Places this grain class with <see cref="RendezvousPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RendezvousPlacementAttribute() : PlacementAttribute(RendezvousPlacement.Singleton);

internal sealed class RendezvousPlacementDirector(SiloDrain drain) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return Task.FromResult(hint);
        }

        var staying = drain.IsDraining ? silos.Where(s => !s.Equals(context.LocalSilo)).ToArray() : silos;
        return Task.FromResult(Rendezvous.Choose(target.GrainIdentity.Key.ToString()!, staying.Length > 0 ? staying : silos));
    }
}
