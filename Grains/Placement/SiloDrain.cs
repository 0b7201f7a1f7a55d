namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>Set while this silo hands its InferenceSet grains over before shutting down: place nothing new here.</summary>
public sealed class SiloDrain
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void Begin() => _draining = true;
}
