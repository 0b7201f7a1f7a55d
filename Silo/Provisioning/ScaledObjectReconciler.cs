using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Brings one InferenceSet's ScaledObject to what its annotations ask (PROVISIONING.md), reading the live object
/// first and writing only what differs:
/// <list type="bullet">
/// <item>requested and absent: create; requested and ours: update when our fields differ (keeping
/// <c>resourceVersion</c>, so a concurrent change is a 409 and we read again); not ours: leave alone and warn;</item>
/// <item>invalid: a Warning Event, nothing written, an existing object left as it is (a typo never removes scaling);</item>
/// <item>not requested: delete our object (the Go scaler's rule), never anyone else's.</item>
/// </list>
/// Warning Events are sent once per distinct problem, not on every resync.
/// </summary>
internal sealed partial class ScaledObjectReconciler(
    IKubernetes client,
    ScaledObjectRenderer renderer,
    InferenceSetEventRecorder events,
    IOptions<ProvisioningOptions> options,
    ILogger<ScaledObjectReconciler> logger)
{
    public const string Group = "keda.sh";
    public const string Version = "v1alpha1";
    public const string Plural = "scaledobjects";

    /// <summary>The Go scaler's prefix for Events about annotations it cannot use; the parser's own messages are bare.</summary>
    public const string SkipPrefix = "Skip auto-provisioning ScaledObject: ";

    public const string CreatedReason = "ScaledObjectCreated";
    public const string UpdatedReason = "ScaledObjectUpdated";

    /// <summary>Reads and writes per reconcile when others keep changing the object; then the queue's backoff takes over.</summary>
    private const int MaxAttempts = 5;

    private readonly string _managedBy = options.Value.ManagedBy;

    /// <summary>The Warning last reported per InferenceSet, so a problem that persists is reported once, not on every resync.</summary>
    private readonly ConcurrentDictionary<ObjectKey, string> _reported = new();

    /// <summary>Forgets what was reported about <paramref name="key"/> (the InferenceSet is gone).</summary>
    public void Forget(ObjectKey key) => _reported.TryRemove(key, out _);

    /// <summary>Forgets every report: a new leadership term reports standing problems once more.</summary>
    public void ForgetReports() => _reported.Clear();

    /// <summary>
    /// The InferenceSets (by namespace and name) that have a ScaledObject carrying our marker, from one paged LIST of
    /// ScaledObjects: a new term reconciles those plus the annotated InferenceSets, instead of a GET per InferenceSet.
    /// </summary>
    public async Task<IReadOnlySet<ObjectKey>> ManagedAsync(CancellationToken cancellationToken)
    {
        var managed = new HashSet<ObjectKey>();
        string? next = null;
        do
        {
            var page = await client.CustomObjects.ListClusterCustomObjectAsync<JsonObject>(
                Group, Version, Plural, continueParameter: next, limit: 500, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in page["items"]?.AsArray() ?? [])
            {
                if (item is JsonObject live && ScaledObjectOwnedFields.IsManagedBy(live, _managedBy)
                    && live["metadata"]?["namespace"]?.GetValue<string>() is { } ns && live["metadata"]?["name"]?.GetValue<string>() is { } name)
                {
                    managed.Add(new ObjectKey(ns, name));
                }
            }

            next = page["metadata"]?["continue"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(next));

        return managed;
    }

    /// <summary>One reconcile; API failures other than conflicts throw, for the queue to retry with backoff.</summary>
    public async Task<ReconcileOutcome> ReconcileAsync(InferenceSetObject? inferenceSet, CancellationToken cancellationToken)
    {
        if (inferenceSet is null)
        {
            return ReconcileOutcome.Nothing;
        }

        switch (AutoProvisioningParser.Parse(inferenceSet))
        {
            case AutoProvisioningResult.Requested requested:
                return await ApplyAsync(inferenceSet, renderer.Render(requested.Spec), cancellationToken).ConfigureAwait(false);
            case AutoProvisioningResult.Invalid invalid:
                await ReportAsync(inferenceSet, invalid.Reason, SkipPrefix + invalid.Message, cancellationToken).ConfigureAwait(false);
                return ReconcileOutcome.Invalid;
            default:
                return await CleanUpAsync(inferenceSet, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ReconcileOutcome> ApplyAsync(InferenceSetObject inferenceSet, JsonObject desired, CancellationToken cancellationToken)
    {
        var key = inferenceSet.Key;
        for (var attempt = 1; ; attempt++)
        {
            var live = await GetAsync(key, cancellationToken).ConfigureAwait(false);
            try
            {
                if (live is null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonObject>(
                        desired, Group, Version, key.Namespace, Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
                    Log.Created(logger, key);
                    Forget(key);
                    await events.RecordAsync(inferenceSet, InferenceSetEventRecorder.Normal, CreatedReason, $"Created ScaledObject {key.Name}", cancellationToken).ConfigureAwait(false);
                    return ReconcileOutcome.Created;
                }

                if (!ScaledObjectOwnedFields.IsManagedBy(live, _managedBy))
                {
                    await ReportAsync(
                        inferenceSet,
                        ProvisioningEventReasons.ScaledObjectNotManaged,
                        $"ScaledObject {key.Name} already exists without the annotation {AutoProvisioningAnnotations.ManagedBy}: {_managedBy}; leaving it alone",
                        cancellationToken).ConfigureAwait(false);
                    return ReconcileOutcome.NotManaged;
                }

                if (IsTerminating(live))
                {
                    return ReconcileOutcome.Terminating;
                }

                if (ScaledObjectOwnedFields.IsAsDesired(live, desired))
                {
                    Forget(key);
                    return ReconcileOutcome.Unchanged;
                }

                cancellationToken.ThrowIfCancellationRequested();
                await client.CustomObjects.ReplaceNamespacedCustomObjectAsync<JsonObject>(
                    ScaledObjectOwnedFields.ApplyTo(live, desired), Group, Version, key.Namespace, Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                Log.Updated(logger, key);
                Forget(key);
                await events.RecordAsync(
                    inferenceSet, InferenceSetEventRecorder.Normal, UpdatedReason, $"Updated ScaledObject {key.Name} to match the {AutoProvisioningAnnotations.Prefix}* annotations", cancellationToken).ConfigureAwait(false);
                return ReconcileOutcome.Updated;
            }
            catch (HttpOperationException e) when (IsRace(e) && attempt < MaxAttempts)
            {
                // 409: created or changed meanwhile; 404: deleted meanwhile. Read again and decide afresh (never a second object).
                Log.Raced(logger, key, (int)e.Response.StatusCode, attempt);
            }
        }
    }

    private async Task<ReconcileOutcome> CleanUpAsync(InferenceSetObject inferenceSet, CancellationToken cancellationToken)
    {
        var key = inferenceSet.Key;
        Forget(key);
        for (var attempt = 1; ; attempt++)
        {
            var live = await GetAsync(key, cancellationToken).ConfigureAwait(false);

            // Both marks, as both scalers define "ours": our managed-by annotation (PROVISIONING.md) and a controller
            // reference to this very InferenceSet (the Go scaler's test). Anything else is the user's.
            if (live is null || !ScaledObjectOwnedFields.IsManagedBy(live, _managedBy) || !IsControlledBy(live, inferenceSet.Uid) || IsTerminating(live))
            {
                return ReconcileOutcome.Nothing;
            }

            var preconditions = new V1Preconditions { Uid = String(live["metadata"]?["uid"]), ResourceVersion = String(live["metadata"]?["resourceVersion"]) };
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                await client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                    Group, Version, key.Namespace, Plural, key.Name, new V1DeleteOptions { Preconditions = preconditions }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
            {
                return ReconcileOutcome.Nothing;
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                // Changed since we read it (perhaps the marker was removed): look again before deleting.
                Log.Raced(logger, key, (int)e.Response.StatusCode, attempt);
                continue;
            }

            Log.Deleted(logger, key);
            await events.RecordAsync(
                inferenceSet,
                InferenceSetEventRecorder.Normal,
                ProvisioningEventReasons.ScaledObjectCleanedUp,
                $"Deleted auto-provisioned ScaledObject {key.Name} because auto-provisioning of InferenceSet({key.Namespace}/{key.Name}) is disabled",
                cancellationToken).ConfigureAwait(false);
            return ReconcileOutcome.Deleted;
        }
    }

    /// <summary>The live ScaledObject, or null when there is none.</summary>
    private async Task<JsonObject?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(Group, Version, key.Namespace, Plural, key.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Sends a Warning Event unless the same one was the last sent for this InferenceSet.</summary>
    private async Task ReportAsync(InferenceSetObject inferenceSet, string reason, string message, CancellationToken cancellationToken)
    {
        var report = reason + "\n" + message;
        if (_reported.TryGetValue(inferenceSet.Key, out var last) && last == report)
        {
            return;
        }

        _reported[inferenceSet.Key] = report;
        Log.Reported(logger, inferenceSet.Key, reason, message);
        if (!await events.RecordAsync(inferenceSet, InferenceSetEventRecorder.Warning, reason, message, cancellationToken).ConfigureAwait(false))
        {
            // Not delivered: the next reconcile (a change or the resync) tries again.
            _reported.TryRemove(KeyValuePair.Create(inferenceSet.Key, report));
        }
    }

    private static bool IsRace(HttpOperationException e) => e.Response?.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound;

    private static bool IsTerminating(JsonObject live) => live["metadata"]?["deletionTimestamp"] is JsonValue;

    private static bool IsControlledBy(JsonObject live, string? uid) =>
        uid is not null
        && live["metadata"]?["ownerReferences"] is JsonArray references
        && references.OfType<JsonObject>().Any(r =>
            r["controller"] is JsonValue c && c.GetValueKind() == JsonValueKind.True
            && String(r["uid"]) == uid
            && String(r["kind"]) == ScaledObjectRenderer.InferenceSetKind);

    private static string? String(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Created the ScaledObject of InferenceSet {InferenceSet}")]
        public static partial void Created(ILogger logger, ObjectKey inferenceSet);

        [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Updated the ScaledObject of InferenceSet {InferenceSet} to match its annotations")]
        public static partial void Updated(ILogger logger, ObjectKey inferenceSet);

        [LoggerMessage(EventId = 1212, Level = LogLevel.Information, Message = "Deleted the ScaledObject of InferenceSet {InferenceSet}: auto-provisioning is off")]
        public static partial void Deleted(ILogger logger, ObjectKey inferenceSet);

        [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "InferenceSet {InferenceSet}: {Reason}: {Message}")]
        public static partial void Reported(ILogger logger, ObjectKey inferenceSet, string reason, string message);

        [LoggerMessage(EventId = 1215, Level = LogLevel.Debug, Message = "The ScaledObject of InferenceSet {InferenceSet} changed meanwhile (HTTP {Status}, attempt {Attempt}); reading it again")]
        public static partial void Raced(ILogger logger, ObjectKey inferenceSet, int status, int attempt);
    }
}
