using OrleansKaitoScaler.Grains.State;

namespace OrleansKaitoScaler.Silo.Admin;

/// <summary>An InferenceSet's state as the JSON API returns it: the grain's last post plus its age now.</summary>
internal sealed record InferenceSetView(InferenceSetState State, double? NewestSampleAgeSeconds)
{
    public static InferenceSetView Of(InferenceSetState state, DateTimeOffset now) =>
        new(state, state.NewestSampleAt is { } at ? Math.Round((now - at).TotalSeconds, 3) : null);
}
