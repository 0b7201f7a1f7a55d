namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>
/// One InferenceSet, keyed <c>namespace/name</c> (see <see cref="InferenceSetKey"/>). It owns the scrape
/// schedule of every target KEDA asks about, the sliding window of samples, and the aggregations.
/// </summary>
public interface IInferenceSetGrain : IGrainWithStringKey
{
    /// <summary>Whether the InferenceSet's <c>Ready</c> condition is <c>True</c>; <see cref="ScalerOutcome.NotFound"/> when it does not exist.</summary>
    Task<ActivityAnswer> GetActivity();

    /// <summary>
    /// Registers the query's scrape target (first registration scrapes at once) and answers it from the window.
    /// Never throws for cold, stale or missing data: those are <see cref="ScalerOutcome.Unavailable"/>.
    /// </summary>
    Task<MetricAnswer> GetMetric(MetricQuery query);

    /// <summary>
    /// Subscribes to changes of activity; the observer is told the current state at once and on every change.
    /// Subscriptions expire unless renewed (call again) within <see cref="ActivitySubscription.Lifetime"/>.
    /// </summary>
    Task SubscribeActivity(IActivityObserver observer);

    /// <summary>Ends a subscription made with <see cref="SubscribeActivity"/>.</summary>
    Task UnsubscribeActivity(IActivityObserver observer);
}
