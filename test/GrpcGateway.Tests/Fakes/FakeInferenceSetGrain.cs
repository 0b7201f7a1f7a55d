using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Fakes;

/// <summary>
/// The only <see cref="IInferenceSetGrain"/> in this test process: it answers what its
/// <see cref="FakeInferenceSet"/> says, and like the real grain tells a new subscriber the current state at once.
/// </summary>
internal sealed class FakeInferenceSetGrain : Grain, IInferenceSetGrain
{
    private FakeInferenceSet Set => FakeInferenceSets.For(this.GetPrimaryKeyString());

    public Task<ActivityAnswer> GetActivity() => Task.FromResult(Set.OnGetActivity());

    public Task<MetricAnswer> GetMetric(MetricQuery query) => Task.FromResult(Set.OnGetMetric(query));

    public Task SubscribeActivity(IActivityObserver observer) => observer.OnActivityChanged(Set.OnSubscribe(observer));

    public Task UnsubscribeActivity(IActivityObserver observer)
    {
        Set.OnUnsubscribe(observer);
        return Task.CompletedTask;
    }
}
