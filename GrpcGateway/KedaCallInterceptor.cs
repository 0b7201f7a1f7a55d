using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using OrleansKaitoScaler.Abstractions.Telemetry;

namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>
/// Counts every KEDA call by method and status and opens the span the grain and scrape spans hang from, in one
/// place rather than in each method.
/// </summary>
internal sealed class KedaCallInterceptor(ScalerTelemetry telemetry) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var started = Stopwatch.GetTimestamp();
        using var activity = Start(context);
        try
        {
            var response = await continuation(request, context);
            Finish(activity, context, StatusCode.OK, Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (RpcException e)
        {
            Finish(activity, context, e.StatusCode, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        using var activity = Start(context);
        try
        {
            await continuation(request, responseStream, context);
            Finish(activity, context, context.CancellationToken.IsCancellationRequested ? StatusCode.Cancelled : StatusCode.OK);
        }
        catch (RpcException e)
        {
            Finish(activity, context, e.StatusCode);
            throw;
        }
    }

    private static Activity? Start(ServerCallContext context)
    {
        var activity = ScalerTelemetry.Source.StartActivity("keda " + MethodName(context), ActivityKind.Server);
        activity?.SetTag("rpc.system", "grpc");
        activity?.SetTag("rpc.method", MethodName(context));
        return activity;
    }

    /// <summary>Counts the call; a unary call's <paramref name="duration"/> also goes to the latency histogram (a stream's would only say how long KEDA kept it).</summary>
    private void Finish(Activity? activity, ServerCallContext context, StatusCode status, TimeSpan? duration = null)
    {
        if (duration is { } elapsed)
        {
            telemetry.KedaCall(MethodName(context), status.ToString(), elapsed);
        }
        else
        {
            telemetry.KedaCall(MethodName(context), status.ToString());
        }

        activity?.SetTag("rpc.grpc.status_code", (int)status);
        if (status is not (StatusCode.OK or StatusCode.Cancelled))
        {
            activity?.SetStatus(ActivityStatusCode.Error, status.ToString());
        }
    }

    /// <summary>The method part of "/externalscaler.ExternalScaler/GetMetrics".</summary>
    private static string MethodName(ServerCallContext context) => context.Method[(context.Method.LastIndexOf('/') + 1)..];
}
