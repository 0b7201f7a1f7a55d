using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains;

internal sealed partial class InferenceSetGrain
{
    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "InferenceSet {InferenceSet}: now scraping '{Family}' via {Protocol} port {Port} path {Path}")]
        public static partial void TargetRegistered(ILogger logger, InferenceSetKey inferenceSet, string family, string protocol, int port, string path);

        [LoggerMessage(1002, LogLevel.Information, "InferenceSet {InferenceSet}: dropped '{Family}' on {Path}, not asked for within {Ttl}")]
        public static partial void TargetDropped(ILogger logger, InferenceSetKey inferenceSet, string family, string path, TimeSpan ttl);

        [LoggerMessage(1003, LogLevel.Information, "InferenceSet {InferenceSet} was deleted: scraping stopped")]
        public static partial void InferenceSetDeleted(ILogger logger, InferenceSetKey inferenceSet);

        [LoggerMessage(1004, LogLevel.Information, "InferenceSet {InferenceSet} became {IsActive:active;inactive}")]
        public static partial void ActivityChanged(ILogger logger, InferenceSetKey inferenceSet, bool isActive);

        [LoggerMessage(1005, LogLevel.Warning, "InferenceSet {InferenceSet}: '{Family}' aggregated to {Value}; KEDA gets 0 (values are never negative)")]
        public static partial void NegativeValueClamped(ILogger logger, InferenceSetKey inferenceSet, string family, double value);

        [LoggerMessage(1007, LogLevel.Information, "InferenceSet {InferenceSet}: trigger '{Family}' ({Aggregation}) became {Status}. {Detail}")]
        public static partial void TriggerStateChanged(ILogger logger, InferenceSetKey inferenceSet, string family, string aggregation, string status, string detail);

        [LoggerMessage(1006, LogLevel.Error, "InferenceSet {InferenceSet}: scrape failed unexpectedly")]
        public static partial void ScrapeCrashed(ILogger logger, Exception exception, InferenceSetKey inferenceSet);

        [LoggerMessage(1102, LogLevel.Information, "InferenceSet {InferenceSet}: window restored from its checkpoint ({Rounds} rounds, {Triggers} triggers)")]
        public static partial void WindowRestored(ILogger logger, InferenceSetKey inferenceSet, int rounds, int triggers);

        [LoggerMessage(1103, LogLevel.Warning, "InferenceSet {InferenceSet}: its window checkpoint could not be read; starting with an empty window")]
        public static partial void CheckpointUnreadable(ILogger logger, Exception exception, InferenceSetKey inferenceSet);

        [LoggerMessage(1104, LogLevel.Warning, "InferenceSet {InferenceSet}: writing its window checkpoint failed; retrying with a full copy after the next round")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception, InferenceSetKey inferenceSet);

        [LoggerMessage(1105, LogLevel.Information, "InferenceSet {InferenceSet}: its window checkpoint is written again")]
        public static partial void CheckpointRecovered(ILogger logger, InferenceSetKey inferenceSet);

        [LoggerMessage(1106, LogLevel.Warning, "InferenceSet {InferenceSet}: the wall clock stepped {Seconds:0.###} s between two scrapes of {Path}; its window restarts and warms up again rather than read across the step")]
        public static partial void WindowRestartedByClockStep(ILogger logger, InferenceSetKey inferenceSet, string path, double seconds);
    }
}
