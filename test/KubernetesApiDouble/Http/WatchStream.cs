using Microsoft.AspNetCore.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Selectors;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;

namespace OrleansKaitoScaler.KubernetesApiDouble.Http;

/// <summary>
/// Streams one watch: a 200 with chunked JSON lines, flushed per event. It ends cleanly at <c>timeoutSeconds</c>, after
/// an ERROR event, or at shutdown; it ends abruptly (connection aborted, no final chunk) when a fault drops it.
/// </summary>
internal static class WatchStream
{
    public static async Task RunAsync(HttpContext context, ObjectStore store, WatchSubscription watch, ResourceType type, ObjectFilter filter, TimeSpan? timeout, TimeProvider time)
    {
        var dropped = watch.Dropped;
        try
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.Headers.CacheControl = "no-cache, private";
            await response.StartAsync(context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);

            using var expiry = timeout is { } after ? new CancellationTokenSource(after, time) : new CancellationTokenSource();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, dropped, expiry.Token);
            await foreach (var frame in watch.Frames.ReadAllAsync(stop.Token))
            {
                if (WatchEvents.Render(frame, type, filter) is { } line)
                {
                    await response.Body.WriteAsync(line, stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone, drop or shutdown: each ends the stream; a drop additionally aborts it below.
        }
        catch (IOException)
        {
            // The client closed the connection mid-write.
        }
        finally
        {
            store.Unsubscribe(watch);
        }

        if (dropped.IsCancellationRequested)
        {
            context.Abort();
        }
    }
}
