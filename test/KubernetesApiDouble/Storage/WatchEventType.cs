namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>The <c>type</c> of a watch event on the wire.</summary>
internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}
