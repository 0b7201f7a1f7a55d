using Grpc.Core;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.GrpcGateway.Tests.Fakes;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Gateway;

/// <summary>StreamIsActive over real gRPC: pushed state, changes, renewal, and every way the stream ends.</summary>
[Collection(SharedGateway.Name)]
public sealed class ActivityStreamTests(GatewayHost host)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_stream_sends_the_current_state_as_soon_as_it_opens(bool ready)
    {
        var set = FakeInferenceSets.Existing();
        set.Activity = ActivityAnswer.Of(ready);
        using var call = Open(set);

        Assert.Equal(ready, await NextAsync(call));
    }

    [Fact]
    public async Task The_stream_pushes_each_change_and_never_repeats_a_state()
    {
        var set = FakeInferenceSets.Existing();
        using var call = Open(set);
        Assert.True(await NextAsync(call));

        await set.PublishAsync(ActivityAnswer.Of(false));
        Assert.False(await NextAsync(call));

        await set.PublishAsync(ActivityAnswer.Of(false));
        await set.PublishAsync(ActivityAnswer.Of(true));
        Assert.True(await NextAsync(call));
    }

    [Fact]
    public async Task An_open_stream_renews_its_subscription_and_renewals_send_nothing_new()
    {
        var set = FakeInferenceSets.Existing();
        using var call = Open(set);
        Assert.True(await NextAsync(call));

        await Eventually.True(() => set.Subscriptions >= 3, Patience, "two renewals");
        await set.PublishAsync(ActivityAnswer.Of(false));

        Assert.False(await NextAsync(call));
        Assert.Equal(1, set.Subscribers);
    }

    [Fact]
    public async Task Cancelling_the_call_ends_the_stream_and_unsubscribes_from_the_grain()
    {
        var set = FakeInferenceSets.Existing();
        using var cancel = new CancellationTokenSource();
        using var call = Open(set, cancel.Token);
        Assert.True(await NextAsync(call));

        await cancel.CancelAsync();

        await Eventually.True(() => set.Unsubscriptions == 1 && set.Subscribers == 0, Patience, "unsubscribed");
        var subscriptions = set.Subscriptions;
        await Task.Delay(GatewayHost.RenewEvery * 3);
        Assert.Equal(subscriptions, set.Subscriptions);
    }

    [Fact]
    public async Task A_missing_InferenceSet_ends_the_stream_with_NotFound_naming_it()
    {
        var set = FakeInferenceSets.Missing();
        using var call = Open(set);

        var error = await Assert.ThrowsAsync<RpcException>(() => NextAsync(call));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains(set.Key.ToString(), error.Status.Detail, StringComparison.Ordinal);
        await Eventually.True(() => set.Subscribers == 0, Patience, "unsubscribed");
    }

    [Fact]
    public async Task Deleting_the_InferenceSet_ends_an_open_stream_with_NotFound()
    {
        var set = FakeInferenceSets.Existing();
        using var call = Open(set);
        Assert.True(await NextAsync(call));

        await set.PublishAsync(ActivityAnswer.NotFound($"InferenceSet {set.Key} not found"));

        var error = await Assert.ThrowsAsync<RpcException>(() => NextAsync(call));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains(set.Key.ToString(), error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_cannot_renew_its_subscription_ends_with_Unavailable_rather_than_going_silent()
    {
        var set = FakeInferenceSets.Existing();
        using var call = Open(set);
        Assert.True(await NextAsync(call));

        set.Failure = new TimeoutException("the grain's silo is gone");

        var error = await Assert.ThrowsAsync<RpcException>(() => NextAsync(call));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task A_stream_whose_subscription_fails_at_once_ends_with_the_mapped_status()
    {
        var set = FakeInferenceSets.Existing();
        set.Failure = new InvalidOperationException("bug");
        using var call = Open(set);

        var error = await Assert.ThrowsAsync<RpcException>(() => NextAsync(call));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Open_streams_end_promptly_with_Unavailable_when_the_scaler_shuts_down()
    {
        // Its own host: this one is stopped.
        var own = new GatewayHost();
        await own.InitializeAsync();
        try
        {
            var set = FakeInferenceSets.Existing();
            using var call = own.Client.StreamIsActive(GatewayHost.Ref(set.Metadata()));
            Assert.True(await NextAsync(call));

            var stopping = own.StopAsync();

            var error = await Assert.ThrowsAsync<RpcException>(() => NextAsync(call));
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Contains("shutting down", error.Status.Detail, StringComparison.Ordinal);
            await stopping.WaitAsync(Patience);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private AsyncServerStreamingCall<IsActiveResponse> Open(FakeInferenceSet set, CancellationToken cancellationToken = default) =>
        host.Client.StreamIsActive(GatewayHost.Ref(set.Metadata()), cancellationToken: cancellationToken);

    private static async Task<bool> NextAsync(AsyncServerStreamingCall<IsActiveResponse> call)
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the stream ended without a status");
        return call.ResponseStream.Current.Result;
    }
}
