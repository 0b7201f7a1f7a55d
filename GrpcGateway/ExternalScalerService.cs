using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>
/// KEDA's <c>externalscaler.ExternalScaler</c>, answered by asking the InferenceSet's grain. Stateless: any
/// silo's gateway can answer any trigger, because the grain is the single owner of the InferenceSet's state.
/// Every method validates the trigger metadata first, so bad metadata is <c>InvalidArgument</c> on every call.
/// </summary>
internal sealed partial class ExternalScalerService(
    IGrainFactory grains,
    IOptions<ActivityStreamOptions> streamOptions,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ExternalScalerService> logger) : ExternalScaler.ExternalScalerBase
{
    private readonly ActivityStreamOptions _streamOptions = streamOptions.Value;

    /// <summary>The HPA target; depends on metadata only, so it never asks the grain and never scrapes.</summary>
    public override Task<GetMetricSpecResponse> GetMetricSpec(ScaledObjectRef request, ServerCallContext context)
    {
        var metadata = Parse(request, nameof(GetMetricSpec));

        // The deprecated int64 targetSize stays 0: KEDA prefers targetSizeFloat, and a fractional threshold has no integer form.
        var response = new GetMetricSpecResponse();
        response.MetricSpecs.Add(new MetricSpec { MetricName = metadata.MetricName, TargetSizeFloat = metadata.Threshold });
        return Task.FromResult(response);
    }

    /// <summary>The aggregated value; the request's <c>metricName</c> wins over the metadata's when set.</summary>
    public override async Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = Parse(request.ScaledObjectRef, nameof(GetMetrics));
        var query = metadata.ToQuery(KedaMetricName.WithoutTriggerIndex(request.MetricName));
        var answer = await AskAsync(metadata.InferenceSet, nameof(GetMetrics), grain => grain.GetMetric(query));
        ThrowUnlessOk(answer.Outcome, answer.Message, metadata.InferenceSet, nameof(GetMetrics));

        // Only metricValueFloat carries the value; the deprecated int64 metricValue stays 0 as in GetMetricSpec.
        var response = new GetMetricsResponse();
        response.MetricValues.Add(new MetricValue { MetricName = query.MetricName, MetricValueFloat = answer.Value });
        return response;
    }

    /// <summary>Whether the InferenceSet is <c>Ready</c>; a missing InferenceSet is <c>NotFound</c>, not false.</summary>
    public override async Task<IsActiveResponse> IsActive(ScaledObjectRef request, ServerCallContext context)
    {
        var metadata = Parse(request, nameof(IsActive));
        var answer = await AskAsync(metadata.InferenceSet, nameof(IsActive), grain => grain.GetActivity());
        ThrowUnlessOk(answer.Outcome, answer.Message, metadata.InferenceSet, nameof(IsActive));
        return new IsActiveResponse { Result = answer.IsActive };
    }

    /// <summary>
    /// Pushes the activity at once and on every change, for as long as KEDA keeps the call open. KEDA
    /// reconnects whenever this stream ends, so it ends only for a reason: KEDA cancelled it (a clean end),
    /// the InferenceSet is missing (<c>NotFound</c>), or this process is stopping or lost its subscription
    /// (<c>Unavailable</c>, so KEDA reconnects, possibly to another replica).
    /// </summary>
    public override async Task StreamIsActive(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = Parse(request, nameof(StreamIsActive));
        var key = metadata.InferenceSet;
        var grain = Grain(key);
        var called = context.CancellationToken;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(called, lifetime.ApplicationStopping);
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(ending.Token);

        // Orleans holds the observer object weakly: `subscriber` must stay referenced until the reference is deleted.
        var subscriber = new ActivitySubscriber();
        var reference = grains.CreateObjectReference<IActivityObserver>(subscriber);
        Task renewing = Task.CompletedTask;
        Log.StreamOpened(logger, key, request.Namespace, request.Name);
        try
        {
            // The grain tells a new subscriber the current state at once, so no separate GetActivity call
            // (which could race with a change and overwrite it with an older state).
            await grain.SubscribeActivity(reference);
            renewing = RenewAsync(grain, reference, subscriber, renewal.Token);
            bool? sent = null;
            await foreach (var answer in subscriber.ReadAllAsync(ending.Token))
            {
                ThrowUnlessOk(answer.Outcome, answer.Message, key, nameof(StreamIsActive));

                // Renewals repeat the current state; KEDA only needs changes.
                if (answer.IsActive == sent)
                {
                    continue;
                }

                sent = answer.IsActive;
                await responseStream.WriteAsync(new IsActiveResponse { Result = answer.IsActive }, ending.Token);
                Log.ActivityPushed(logger, key, answer.IsActive);
            }
        }
        catch (Exception) when (called.IsCancellationRequested)
        {
            // KEDA ended the call (ScaledObject deleted, operator restarting): nobody is left to tell anything.
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw ScalerStatus.ShuttingDown();
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Fail(e, nameof(StreamIsActive), key);
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
            await UnsubscribeAsync(grain, reference, key);
            grains.DeleteObjectReference<IActivityObserver>(reference);
            GC.KeepAlive(subscriber);
            Log.StreamClosed(logger, key);
        }
    }

    /// <summary>
    /// Deliberately unimplemented: our metric spec depends on trigger metadata alone, which only changes when
    /// KEDA rebuilds the scaler, so there is nothing to push. KEDA treats <c>Unimplemented</c> as "use
    /// <c>GetMetricSpec</c>", silently; it is returned before looking at the metadata so that fallback always happens.
    /// </summary>
    public override Task StreamMetricSpec(ScaledObjectRef request, IServerStreamWriter<GetMetricSpecResponse> responseStream, ServerCallContext context) =>
        throw ScalerStatus.Unimplemented("StreamMetricSpec is not implemented: metric specs depend only on trigger metadata; use GetMetricSpec");

    private IInferenceSetGrain Grain(InferenceSetKey key) => grains.GetGrain<IInferenceSetGrain>(key.ToString());

    private ScalerMetadata Parse(ScaledObjectRef? reference, string method)
    {
        if (ScalerMetadataParser.TryParse(reference?.ScalerMetadata, out var metadata, out var error))
        {
            return metadata;
        }

        Log.InvalidMetadata(logger, method, reference?.Namespace, reference?.Name, error.Key, error.Message);
        throw ScalerStatus.InvalidMetadata(error);
    }

    private async Task<T> AskAsync<T>(InferenceSetKey key, string method, Func<IInferenceSetGrain, Task<T>> ask)
    {
        try
        {
            return await HandOverRetry.CallAsync(() => ask(Grain(key)), time);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Fail(e, method, key);
        }
    }

    private void ThrowUnlessOk(ScalerOutcome outcome, string? message, InferenceSetKey key, string method)
    {
        if (ScalerStatus.ForOutcome(outcome, message, key) is { } failure)
        {
            Log.NoAnswer(logger, method, key, failure.StatusCode, failure.Status.Detail);
            throw failure;
        }
    }

    private RpcException Fail(Exception exception, string method, InferenceSetKey key)
    {
        if (ScalerStatus.IsTransient(exception))
        {
            Log.ClusterUnavailable(logger, exception, method, key);
        }
        else
        {
            Log.UnexpectedFailure(logger, exception, method, key);
        }

        return ScalerStatus.ForException(exception, key);
    }

    private async Task RenewAsync(IInferenceSetGrain grain, IActivityObserver reference, ActivitySubscriber subscriber, CancellationToken cancellation)
    {
        try
        {
            using var timer = new PeriodicTimer(_streamOptions.RenewEvery, time);
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                await grain.SubscribeActivity(reference);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The stream is ending.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Unrenewed, the subscription would expire and the stream go silent while looking healthy;
            // ending it instead makes KEDA reconnect and subscribe afresh.
            subscriber.Fail(e);
        }
    }

    // Best effort: an unsubscribe that fails or hangs (the silo is stopping) is left to expire with the subscription.
    private async Task UnsubscribeAsync(IInferenceSetGrain grain, IActivityObserver reference, InferenceSetKey key)
    {
        try
        {
            await grain.UnsubscribeActivity(reference).WaitAsync(_streamOptions.UnsubscribeTimeout, time);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.UnsubscribeFailed(logger, e, key, ActivitySubscription.Lifetime);
        }
    }
}
