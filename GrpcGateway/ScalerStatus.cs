using Grpc.Core;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway;

/// <summary>
/// The one place where what happened becomes the gRPC status KEDA sees. KEDA and the HPA hold the current
/// replica count on any error, so the code matters to people reading KEDA's logs and events:
/// <c>InvalidArgument</c> means "fix the ScaledObject", <c>Unavailable</c> "no data yet, or the scaler
/// cluster is busy: wait", <c>NotFound</c> "the InferenceSet is missing", and <c>Internal</c> "a bug in the scaler".
/// </summary>
internal static class ScalerStatus
{
    /// <summary>Bad trigger metadata: always <c>InvalidArgument</c>, with a message naming the key.</summary>
    public static RpcException InvalidMetadata(MetadataError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new RpcException(new Status(StatusCode.InvalidArgument, error.ToString()));
    }

    /// <summary>A grain's outcome as a status, or null for <see cref="ScalerOutcome.Ok"/>.</summary>
    public static RpcException? ForOutcome(ScalerOutcome outcome, string? message, InferenceSetKey inferenceSet) => outcome switch
    {
        ScalerOutcome.Ok => null,
        ScalerOutcome.Unavailable => new RpcException(new Status(
            StatusCode.Unavailable, Describe(inferenceSet, message ?? "no data to decide on yet"))),
        ScalerOutcome.NotFound => new RpcException(new Status(
            StatusCode.NotFound, Describe(inferenceSet, message ?? "not found"))),
        _ => new RpcException(new Status(
            StatusCode.Internal, Describe(inferenceSet, "the scaler returned an outcome the gateway does not know; see the scaler's logs"))),
    };

    /// <summary>
    /// Whether an exception from a grain call means the scaler cluster could not answer right now (a silo
    /// leaving, a timeout, an overloaded gateway) rather than a bug. Those are <c>Unavailable</c>, so KEDA
    /// retries and the HPA holds; SPEC.md §4 keeps <c>Internal</c> for our own bugs.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception is TimeoutException
        or OperationCanceledException
        or SiloUnavailableException
        or OrleansMessageRejectionException
        or GatewayTooBusyException
        or ClientNotAvailableException
        or ConnectionFailedException;

    /// <summary>
    /// An exception from a grain call: <c>Unavailable</c> when <see cref="IsTransient"/>, else <c>Internal</c>.
    /// The message is short and never carries the exception's text, which is logged instead.
    /// </summary>
    public static RpcException ForException(Exception exception, InferenceSetKey inferenceSet)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return IsTransient(exception)
            ? new RpcException(new Status(
                StatusCode.Unavailable, Describe(inferenceSet, $"the scaler cluster could not answer in time ({exception.GetType().Name}); KEDA will retry")))
            : new RpcException(new Status(
                StatusCode.Internal, Describe(inferenceSet, "internal error in the scaler; see the scaler's logs")));
    }

    /// <summary>An activity stream ended because this scaler process is stopping; KEDA reconnects, reaching another replica.</summary>
    public static RpcException ShuttingDown() =>
        new(new Status(StatusCode.Unavailable, "the scaler is shutting down; reconnect"));

    /// <summary>A method this scaler deliberately does not implement.</summary>
    public static RpcException Unimplemented(string why) => new(new Status(StatusCode.Unimplemented, why));

    // Grain messages usually name the InferenceSet already; only add it when they do not.
    private static string Describe(InferenceSetKey inferenceSet, string message)
    {
        var name = inferenceSet.ToString();
        return message.Contains(name, StringComparison.Ordinal) ? message : $"InferenceSet {name}: {message}";
    }
}
