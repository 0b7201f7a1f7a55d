using System.Threading.Channels;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>
/// One open watch. The store offers it every write under its lock, so the frames arrive in resourceVersion order
/// with nothing missed between the initial state and live events; the HTTP stream drains them.
/// </summary>
internal sealed class WatchSubscription(ResourceKey key, string? @namespace, bool bookmarks) : IDisposable
{
    private readonly Channel<WatchFrame> _frames = Channel.CreateUnbounded<WatchFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _dropped = new();

    public bool WantsBookmarks { get; } = bookmarks;

    public ITimer? BookmarkTimer { get; set; }

    public ChannelReader<WatchFrame> Frames => _frames.Reader;

    /// <summary>Cancelled when a fault drops the watch: the stream must end abruptly, without a final chunk.</summary>
    public CancellationToken Dropped => _dropped.Token;

    public void Offer(StoredEvent change)
    {
        if (change.Key == key && (@namespace is null || change.Object.Namespace == @namespace))
        {
            _frames.Writer.TryWrite(WatchFrame.Of(change));
        }
    }

    public void OfferBookmark(long resourceVersion, bool initialEventsEnd = false)
    {
        if (WantsBookmarks)
        {
            _frames.Writer.TryWrite(new WatchFrame(WatchEventType.Bookmark, resourceVersion) { InitialEventsEnd = initialEventsEnd });
        }
    }

    /// <summary>Sends a terminal ERROR event; the real server closes the stream after one.</summary>
    public void Fail(ApiError error)
    {
        _frames.Writer.TryWrite(new WatchFrame(WatchEventType.Error, 0) { Error = error });
        _frames.Writer.TryComplete();
    }

    /// <summary>Ends the stream cleanly after the frames already queued.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    public void Drop() => _dropped.Cancel();

    public void Dispose()
    {
        BookmarkTimer?.Dispose();
        _dropped.Dispose();
    }
}
