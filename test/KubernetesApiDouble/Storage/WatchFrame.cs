namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>What a watch stream receives, in order: a change, a bookmark, or a terminal error.</summary>
internal sealed record WatchFrame(WatchEventType Type, long ResourceVersion)
{
    public StoredEvent? Change { get; init; }

    public ApiError? Error { get; init; }

    /// <summary>Marks the bookmark that ends the initial events of a <c>sendInitialEvents=true</c> watch.</summary>
    public bool InitialEventsEnd { get; init; }

    public static WatchFrame Of(StoredEvent change) => new(change.Type, change.ResourceVersion) { Change = change };
}
