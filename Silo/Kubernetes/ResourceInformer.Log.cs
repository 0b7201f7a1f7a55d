namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>The informer's log messages (a generic class cannot hold them).</summary>
internal static partial class InformerLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Listed {Count} objects of {Resource} at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, KubernetesResource resource, int count, string resourceVersion);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "The watch of {Resource} expired at resourceVersion {ResourceVersion} (410 Gone); listing again")]
    public static partial void WatchExpired(ILogger logger, KubernetesResource resource, string resourceVersion);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "The {Verb} of {Resource} failed ({Reason}); retrying in about {Backoff}")]
    public static partial void RequestFailed(ILogger logger, KubernetesResource resource, string verb, string reason, TimeSpan backoff, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "The watch of {Resource} reported an error: {Reason}")]
    public static partial void WatchError(ILogger logger, KubernetesResource resource, string reason);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Skipping {Resource} {Name}: {Error}")]
    public static partial void UnreadableObject(ILogger logger, KubernetesResource resource, string name, string error);
}
