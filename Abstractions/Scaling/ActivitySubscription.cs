namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>Timing shared by the grain and its activity subscribers.</summary>
public static class ActivitySubscription
{
    /// <summary>An activity subscription is dropped when not renewed for this long.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Subscribers renew this often, well inside <see cref="Lifetime"/>.</summary>
    public static TimeSpan RenewEvery { get; } = TimeSpan.FromSeconds(30);
}
