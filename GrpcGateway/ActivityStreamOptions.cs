using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>Timing of <c>StreamIsActive</c> subscriptions; not user-facing, tests shorten it.</summary>
internal sealed class ActivityStreamOptions
{
    /// <summary>How often an open stream renews its grain subscription; must be well inside <see cref="ActivitySubscription.Lifetime"/>.</summary>
    public TimeSpan RenewEvery { get; set; } = ActivitySubscription.RenewEvery;

    /// <summary>How long a closing stream waits for its unsubscribe before leaving the subscription to expire.</summary>
    public TimeSpan UnsubscribeTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
