using System.Globalization;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;

namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>Watches: opened, fed and closed under the store's lock so no write slips between a watch's start and its stream.</summary>
public sealed partial class ObjectStore
{
    /// <summary>
    /// Opens a watch. Without a resourceVersion (or with "0") it starts with a synthetic ADDED per existing object; with
    /// one it replays the history after it, or fails with 410 Expired (sent in-stream) when the history no longer reaches back.
    /// </summary>
    internal Outcome<WatchSubscription> Watch(ResourceType type, string? @namespace, string? resourceVersion, bool sendInitialEvents, bool bookmarks)
    {
        long? from = null;
        if (resourceVersion is { Length: > 0 } and not "0")
        {
            if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiError.BadRequest($"invalid resource version: \"{resourceVersion}\"");
            }

            from = parsed;
        }

        var watch = new WatchSubscription(type.Key, @namespace, bookmarks);
        lock (_gate)
        {
            if (_closed)
            {
                watch.Complete();
                return watch;
            }

            if (from is { } start && !_history.CanResumeFrom(start))
            {
                watch.Fail(ApiError.Expired($"too old resource version: {start} ({_history.Floor})"));
                return watch;
            }

            if (from is null || sendInitialEvents)
            {
                foreach (var stored in Bucket(type.Key).Values)
                {
                    watch.Offer(new StoredEvent(stored.ResourceVersion, WatchEventType.Added, type.Key, stored, null));
                }

                if (sendInitialEvents)
                {
                    watch.OfferBookmark(_resourceVersion, initialEventsEnd: true);
                }
            }
            else
            {
                foreach (var past in _history.After(from.Value))
                {
                    watch.Offer(past);
                }
            }

            _watches.Add(watch);
            if (bookmarks)
            {
                watch.BookmarkTimer = _time.CreateTimer(_ => SendBookmark(watch), null, _bookmarkInterval, _bookmarkInterval);
            }
        }

        return watch;
    }

    internal void Unsubscribe(WatchSubscription watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
            watch.Complete();
        }

        watch.Dispose();
    }

    /// <summary>Aborts every open watch stream, as a dropped connection or an API server restart would.</summary>
    internal int DropWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Drop();
            }

            return _watches.Count;
        }
    }

    /// <summary>Ends every open watch stream cleanly and refuses new ones, for shutdown.</summary>
    internal void EndWatches()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var watch in _watches)
            {
                watch.Complete();
            }
        }
    }

    private void SendBookmark(WatchSubscription watch)
    {
        lock (_gate)
        {
            if (_watches.Contains(watch))
            {
                watch.OfferBookmark(_resourceVersion);
            }
        }
    }

    private void Publish(StoredEvent change)
    {
        _history.Append(change);
        foreach (var watch in _watches)
        {
            watch.Offer(change);
        }
    }
}
