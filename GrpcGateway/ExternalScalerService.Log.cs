using Grpc.Core;
using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.GrpcGateway;

internal sealed partial class ExternalScalerService
{
    // Event ids 3001-3099 belong to the gateway; they are stable, add new ones at the end.
    private static partial class Log
    {
        // Information, not Warning: KEDA repeats the call every polling interval and reports the error itself.
        [LoggerMessage(3001, LogLevel.Information, "{Method} for ScaledObject {ScaledObjectNamespace}/{ScaledObjectName} rejected: invalid trigger metadata '{Key}': {Reason}")]
        public static partial void InvalidMetadata(ILogger logger, string method, string? scaledObjectNamespace, string? scaledObjectName, string key, string reason);

        [LoggerMessage(3002, LogLevel.Debug, "{Method} for InferenceSet {InferenceSet}: {StatusCode}: {Detail}")]
        public static partial void NoAnswer(ILogger logger, string method, InferenceSetKey inferenceSet, StatusCode statusCode, string detail);

        [LoggerMessage(3003, LogLevel.Warning, "{Method} for InferenceSet {InferenceSet}: the scaler cluster could not answer; KEDA gets Unavailable")]
        public static partial void ClusterUnavailable(ILogger logger, Exception exception, string method, InferenceSetKey inferenceSet);

        [LoggerMessage(3004, LogLevel.Error, "{Method} for InferenceSet {InferenceSet} failed unexpectedly; KEDA gets Internal")]
        public static partial void UnexpectedFailure(ILogger logger, Exception exception, string method, InferenceSetKey inferenceSet);

        [LoggerMessage(3005, LogLevel.Debug, "Activity stream opened for InferenceSet {InferenceSet} (ScaledObject {ScaledObjectNamespace}/{ScaledObjectName})")]
        public static partial void StreamOpened(ILogger logger, InferenceSetKey inferenceSet, string scaledObjectNamespace, string scaledObjectName);

        [LoggerMessage(3006, LogLevel.Debug, "Activity stream closed for InferenceSet {InferenceSet}")]
        public static partial void StreamClosed(ILogger logger, InferenceSetKey inferenceSet);

        [LoggerMessage(3007, LogLevel.Debug, "Activity stream for InferenceSet {InferenceSet}: sent {IsActive}")]
        public static partial void ActivityPushed(ILogger logger, InferenceSetKey inferenceSet, bool isActive);

        [LoggerMessage(3008, LogLevel.Warning, "Activity stream for InferenceSet {InferenceSet}: unsubscribe failed; the subscription expires within {Lifetime}")]
        public static partial void UnsubscribeFailed(ILogger logger, Exception exception, InferenceSetKey inferenceSet, TimeSpan lifetime);
    }
}
