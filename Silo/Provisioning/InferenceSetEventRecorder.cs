using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Writes core <c>v1</c> Events about an InferenceSet — the kind <c>kubectl describe inferenceset</c> lists — as
/// client-go's recorder does for the Go scaler: source component <c>keda-kaito-scaler</c>, and a repeat of the same
/// event (same object, type, reason and message) bumps <c>count</c> and <c>lastTimestamp</c> of the first one with a
/// PATCH instead of adding another object.
/// </summary>
internal sealed partial class InferenceSetEventRecorder(IKubernetes client, TimeProvider time, ILogger<InferenceSetEventRecorder> logger)
{
    /// <summary>The Go scaler's recorder name (<c>GetEventRecorderFor("keda-kaito-scaler")</c>), shown as <c>From</c> by kubectl.</summary>
    public const string Component = "keda-kaito-scaler";

    public const string Warning = "Warning";
    public const string Normal = "Normal";

    /// <summary>client-go's cache of recent events holds 4096; past that we start afresh (a repeat then creates one more Event).</summary>
    private const int CacheSize = 4096;

    /// <summary>The API server's limit on an event's <c>note</c>; legacy messages have none, but a screenful is plenty.</summary>
    private const int MaxMessageLength = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<EventIdentity, Recorded> _recorded = [];
    private long _lastNanos;

    /// <summary>Records an event; returns false (after logging) when the API refused it. Only cancellation throws.</summary>
    public async Task<bool> RecordAsync(InferenceSetObject inferenceSet, string type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inferenceSet);
        if (message.Length > MaxMessageLength)
        {
            message = string.Concat(message.AsSpan(0, MaxMessageLength - 3), "...");
        }

        var identity = new EventIdentity(inferenceSet.Key, inferenceSet.Uid, type, reason, message);
        var now = time.GetUtcNow();
        try
        {
            Recorded? previous;
            lock (_gate)
            {
                _recorded.TryGetValue(identity, out previous);
            }

            if (previous is not null && await TryBumpAsync(inferenceSet.Key, previous, now, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            var created = await client.CoreV1.CreateNamespacedEventAsync(
                NewEvent(inferenceSet, type, reason, message, now), inferenceSet.Key.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_recorded.Count >= CacheSize)
                {
                    _recorded.Clear();
                }

                _recorded[identity] = new Recorded(created.Metadata.Name, 1);
            }

            return true;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.EventFailed(logger, reason, inferenceSet.Key, e.Message);
            return false;
        }
    }

    /// <summary>Adds one to the count of an Event written before; false when it is gone (Events expire after an hour by default).</summary>
    private async Task<bool> TryBumpAsync(ObjectKey key, Recorded previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = previous.Count + 1;
        var patch = new V1Patch(
            $$"""{"count":{{count.ToString(CultureInfo.InvariantCulture)}},"lastTimestamp":"{{now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}"}""",
            V1Patch.PatchType.MergePatch);
        try
        {
            await client.CoreV1.PatchNamespacedEventAsync(patch, previous.Name, key.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        lock (_gate)
        {
            previous.Count = count;
        }

        return true;
    }

    private Corev1Event NewEvent(InferenceSetObject inferenceSet, string type, string reason, string message, DateTimeOffset now)
    {
        // client-go names events <object>.<unix nanoseconds in hex>; strictly increasing here, so a frozen or coarse clock never collides.
        long nanos;
        lock (_gate)
        {
            nanos = Math.Max(now.ToUnixTimeMilliseconds() * 1_000_000, _lastNanos + 1);
            _lastNanos = nanos;
        }

        return new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{inferenceSet.Key.Name}.{nanos:x}"),
                NamespaceProperty = inferenceSet.Key.Namespace,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = ScaledObjectRenderer.InferenceSetApiVersion,
                Kind = ScaledObjectRenderer.InferenceSetKind,
                Name = inferenceSet.Key.Name,
                NamespaceProperty = inferenceSet.Key.Namespace,
                Uid = inferenceSet.Uid,
            },
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = "",
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        };
    }

    private readonly record struct EventIdentity(ObjectKey Key, string? Uid, string Type, string Reason, string Message);

    private sealed class Recorded(string name, int count)
    {
        public string Name { get; } = name;

        public int Count { get; set; } = count;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1230, Level = LogLevel.Warning, Message = "Could not record the {Reason} Event on InferenceSet {InferenceSet}: {Error}")]
        public static partial void EventFailed(ILogger logger, string reason, ObjectKey inferenceSet, string error);
    }
}
