using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>
/// client-go's informer loop for one kind: list (paged), then watch from the list's resourceVersion with
/// bookmarks, resuming from the newest resourceVersion seen whenever a watch ends; a <c>410 Gone</c> (the
/// version left the server's history) means a fresh list; any other failure waits with exponential backoff and
/// jitter. Objects the scaler cannot read are logged by name and skipped; they never stop the loop.
/// </summary>
internal sealed class ResourceInformer<T>(
    IKubernetes client,
    KubernetesResource resource,
    Func<System.Text.Json.JsonElement, T> parse,
    IInformerHandler<T> handler,
    KubernetesOptions options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>A watch that ends this soon without a single event counts as a failure, so a server that closes at once is not hammered.</summary>
    private static readonly TimeSpan ShortestHealthyWatch = TimeSpan.FromSeconds(1);

    private TimeSpan _backoff = options.InitialBackoff;

    /// <summary>The newest resourceVersion seen (list, event or bookmark); null means the next step is a full list.</summary>
    private string? _resourceVersion;

    /// <summary>True once the first list has been handed to the handler.</summary>
    public bool HasListed { get; private set; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_resourceVersion is null)
                {
                    _resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                    _backoff = options.InitialBackoff;
                }

                // A watch that breaks (a dropped connection throws) still advanced _resourceVersion event by event.
                var outcome = await WatchAsync(cancellationToken).ConfigureAwait(false);
                if (outcome.Expired)
                {
                    InformerLog.WatchExpired(logger, resource, _resourceVersion ?? "");
                    _resourceVersion = null;
                }
                else if (!outcome.Healthy)
                {
                    await BackOffAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _backoff = options.InitialBackoff;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone)
            {
                InformerLog.WatchExpired(logger, resource, _resourceVersion ?? "");
                _resourceVersion = null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                InformerLog.RequestFailed(logger, resource, _resourceVersion is null ? "list" : "watch", Describe(e), _backoff, e);
                await BackOffAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var objects = new List<T>();
        string? next = null;
        string resourceVersion;
        do
        {
            using var page = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<JsonElement>(
                resource.Group,
                resource.Version,
                resource.Plural,
                continueParameter: next,
                labelSelector: resource.LabelSelector,
                limit: options.ListPageSize,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var body = page.Body;
            if (body.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (TryParse(item, out var value))
                    {
                        objects.Add(value);
                    }
                }
            }

            var metadata = body.TryGetProperty("metadata", out var m) ? m : default;
            resourceVersion = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("resourceVersion", out var rv) && rv.GetString() is { Length: > 0 } text
                ? text
                : throw new KubernetesObjectException($"the list of {resource} has no metadata.resourceVersion");
            next = metadata.TryGetProperty("continue", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        while (!string.IsNullOrEmpty(next));

        handler.OnListed(objects);
        HasListed = true;
        InformerLog.Listed(logger, resource, objects.Count, resourceVersion);
        return resourceVersion;
    }

    private async Task<WatchOutcome> WatchAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var events = 0;
        var expired = false;
        var timeout = (int)Math.Ceiling(options.WatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble()));
        var stream = client.CustomObjects.WatchListClusterCustomObjectAsync(
            resource.Group,
            resource.Version,
            resource.Plural,
            allowWatchBookmarks: true,
            labelSelector: resource.LabelSelector,
            resourceVersion: _resourceVersion,
            timeoutSeconds: timeout,
            onError: OnError,
            cancellationToken: cancellationToken);
        await foreach (var (type, body) in stream.ConfigureAwait(false))
        {
            events++;
            var json = body is JsonElement element ? element : JsonSerializer.SerializeToElement(body);
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("metadata", out var metadata)
                && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("resourceVersion", out var rv) && rv.ValueKind == JsonValueKind.String
                && rv.GetString() is { Length: > 0 } version)
            {
                _resourceVersion = version;
            }

            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    if (TryParse(json, out var value))
                    {
                        handler.OnUpserted(value);
                    }

                    break;
                case WatchEventType.Deleted:
                    if (TryKey(json, out var key))
                    {
                        handler.OnDeleted(key);
                    }

                    break;
            }

            handler.OnCurrent();
        }

        var healthy = events > 0 || time.GetElapsedTime(started) >= ShortestHealthyWatch;
        return new WatchOutcome(expired, healthy);

        void OnError(Exception e)
        {
            if (e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                expired = true;
            }
            else
            {
                InformerLog.WatchError(logger, resource, Describe(e));
            }
        }
    }

    private bool TryParse(JsonElement json, out T value)
    {
        try
        {
            value = parse(json);
            return true;
        }
        catch (KubernetesObjectException e)
        {
            InformerLog.UnreadableObject(logger, resource, Name(json), e.Message);
            value = default!;
            return false;
        }
    }

    private bool TryKey(JsonElement json, out ObjectKey key)
    {
        try
        {
            key = KubernetesJsonFields.Key(json);
            return true;
        }
        catch (KubernetesObjectException e)
        {
            InformerLog.UnreadableObject(logger, resource, Name(json), e.Message);
            key = default;
            return false;
        }
    }

    private async Task BackOffAsync(CancellationToken cancellationToken)
    {
        // Full jitter in [backoff/2, backoff], then double: silos that lost the API server together do not return together.
        var wait = _backoff * (0.5 + (Random.Shared.NextDouble() / 2));
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, options.MaxBackoff.Ticks));
        try
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static string Name(JsonElement json)
    {
        try
        {
            return KubernetesJsonFields.Key(json).ToString();
        }
        catch (KubernetesObjectException)
        {
            return "(unnamed)";
        }
    }

    private static string Describe(Exception e) => e switch
    {
        HttpOperationException h => $"HTTP {(int?)h.Response?.StatusCode} {h.Response?.ReasonPhrase}",
        KubernetesException k => $"{k.Status?.Code} {k.Status?.Reason}: {k.Status?.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private readonly record struct WatchOutcome(bool Expired, bool Healthy);
}
