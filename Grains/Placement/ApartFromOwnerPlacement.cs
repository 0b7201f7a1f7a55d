using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>
/// Places a grain on a silo other than the one named in the request context under <see cref="OwnerKey"/> (the silo
/// of the grain whose data it keeps), spread over the others by key. With one silo there is no other: it goes there.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ApartFromOwnerPlacement : PlacementStrategy
{
    /// <summary>The request-context key holding the <see cref="SiloAddress"/> to stay away from.</summary>
    public const string OwnerKey = "oks.owner-silo";

    internal static readonly ApartFromOwnerPlacement Singleton = new();
}

/// <summary>Places this grain class with <see cref="ApartFromOwnerPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ApartFromOwnerPlacementAttribute() : PlacementAttribute(ApartFromOwnerPlacement.Singleton);

internal sealed class ApartFromOwnerPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return Task.FromResult(hint);
        }

        var owner = target.RequestContextData is { } data && data.TryGetValue(ApartFromOwnerPlacement.OwnerKey, out var value) ? value as SiloAddress : null;
        var others = silos.Where(s => !s.Equals(owner)).ToArray();
        return Task.FromResult(Rendezvous.Choose(target.GrainIdentity.ToString(), others.Length > 0 ? others : silos));
    }
}
