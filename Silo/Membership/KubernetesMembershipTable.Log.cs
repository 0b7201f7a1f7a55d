namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>The membership table's log messages (event ids 1300–1399).</summary>
internal sealed partial class KubernetesMembershipTable
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Created the membership table of cluster {ClusterId} as ConfigMap {Namespace}/{Name}")]
        public static partial void TableCreated(ILogger logger, string @namespace, string name, string clusterId);

        [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "{Operation} for silo {Silo} refused: {Reason} (table at {Current}, caller expected {Requested})")]
        public static partial void Refused(ILogger logger, string operation, SiloAddress silo, string reason, TableVersion current, TableVersion requested);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Debug, Message = "{Operation} for silo {Silo} lost the race: the ConfigMap changed since it was read (409), nothing written")]
        public static partial void LostRace(ILogger logger, string operation, SiloAddress silo);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Debug, Message = "{Operation} on ConfigMap {Namespace}/{Name} lost a race (409) on attempt {Attempt}; up to {MaxRetries} retries, each on a fresh read")]
        public static partial void ConflictRetried(ILogger logger, string operation, string @namespace, string name, int attempt, int maxRetries);

        [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Removed {Count} defunct silo rows (not Active, last update before {Before}) from ConfigMap {Namespace}/{Name}")]
        public static partial void DefunctRowsRemoved(ILogger logger, int count, DateTimeOffset before, string @namespace, string name);

        [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "Deleted the membership table of cluster {ClusterId}, ConfigMap {Namespace}/{Name}")]
        public static partial void TableDeleted(ILogger logger, string @namespace, string name, string clusterId);

        [LoggerMessage(EventId = 1306, Level = LogLevel.Warning, Message = "The {Operation} of membership ConfigMap {Namespace}/{Name} failed with HTTP {Status}; Orleans will retry")]
        public static partial void RequestFailed(ILogger logger, string operation, string @namespace, string name, int? status, Exception exception);
    }
}
