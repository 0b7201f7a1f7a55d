using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// Auto-provisioning in Kubernetes mode: on the replica holding the Lease, keeps every annotated InferenceSet's
/// ScaledObject as its annotations ask. Fed by the inventory's InferenceSet watch (no second watch): a change to
/// what provisioning reads queues the InferenceSet on a rate-limited work queue; each term starts by queueing every
/// InferenceSet, and a periodic resync repairs drift (a ScaledObject deleted or edited by hand). A failed reconcile
/// is retried with per-InferenceSet exponential backoff.
/// </summary>
internal sealed partial class ScaledObjectProvisioner : BackgroundService
{
    private readonly KubernetesInventoryFeeder _feeder;
    private readonly ScaledObjectReconciler _reconciler;
    private readonly LeaseLeadership _leadership;
    private readonly ProvisioningTelemetry _telemetry;
    private readonly ProvisioningOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ScaledObjectProvisioner> _logger;
    private readonly Lock _gate = new();

    /// <summary>What provisioning last read of each InferenceSet; other changes (status, replicas) need no reconcile.</summary>
    private readonly Dictionary<ObjectKey, ProvisioningInputs> _inputs = [];

    /// <summary>The current term's queue, or null while not leading.</summary>
    private ReconcileQueue? _queue;

    /// <summary>
    /// Set once the current term is about to queue its initial work: from then on, an InferenceSet seen for the first time
    /// without our annotations is queued only if it may have a ScaledObject of ours (<see cref="_managed"/>).
    /// </summary>
    private bool _initialQueued;

    /// <summary>The ScaledObjects of ours the term's LIST found (their InferenceSets' keys), or null when it failed.</summary>
    private IReadOnlySet<ObjectKey>? _managed;

    public ScaledObjectProvisioner(
        KubernetesInventoryFeeder feeder,
        ScaledObjectReconciler reconciler,
        LeaseLeadership leadership,
        ProvisioningTelemetry telemetry,
        IOptions<ProvisioningOptions> options,
        TimeProvider time,
        ILogger<ScaledObjectProvisioner> logger)
    {
        ArgumentNullException.ThrowIfNull(feeder);
        ArgumentNullException.ThrowIfNull(options);
        _feeder = feeder;
        _reconciler = reconciler;
        _leadership = leadership;
        _telemetry = telemetry;
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (_options.Enabled)
        {
            feeder.InferenceSetChanged += OnInferenceSetChanged;
        }
    }

    /// <summary>True while this replica holds the Lease and provisions.</summary>
    public bool IsLeader => _leadership.IsLeader;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            Log.Disabled(_logger);
            return Task.CompletedTask;
        }

        return _leadership.RunAsync(LeadAsync, stoppingToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _feeder.InferenceSetChanged -= OnInferenceSetChanged;
        base.Dispose();
    }

    /// <summary>One leadership term: reconcile everything, then whatever changes, until <paramref name="term"/> ends.</summary>
    private async Task LeadAsync(CancellationToken term)
    {
        using var queue = new ReconcileQueue(_options.InitialRetryDelay, _options.MaxRetryDelay, _time);
        var bucket = new TokenBucket(_options.ReconcilesPerSecond, _options.ReconcileBurst, _time);
        _reconciler.ForgetReports();
        lock (_gate)
        {
            _queue = queue;
        }

        try
        {
            // After publishing the queue, so a change arriving meanwhile is queued either way (and only once). Only what
            // can need a write: annotated InferenceSets, and those whose managed ScaledObject may have to go (one LIST),
            // so a large unannotated fleet costs one request per term, not a GET each.
            IReadOnlySet<ObjectKey>? managed = null;
            try
            {
                managed = await _reconciler.ManagedAsync(term).ConfigureAwait(false);
            }
            catch (Exception e) when (!term.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // Without the list, every InferenceSet is checked on its own: slower, never wrong.
                Log.ManagedListFailed(_logger, e);
            }

            lock (_gate)
            {
                // Before reading the InferenceSets (never under this lock: the feeder raises changes under its own), so
                // one first seen meanwhile is queued by this read, by OnInferenceSetChanged, or by both (once).
                _managed = managed;
                _initialQueued = true;
            }

            EnqueueAll(queue, managed is null ? null : set => ProvisioningInputs.HasOurAnnotations(set) || managed.Contains(set.Key));
            var workers = Enumerable.Range(0, _options.MaxConcurrentReconciles).Select(_ => WorkAsync(queue, bucket, term));
            await Task.WhenAll([.. workers, ResyncAsync(queue, term)]).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_gate)
            {
                _queue = null;
                _initialQueued = false;
                _managed = null;
            }
        }
    }

    private async Task WorkAsync(ReconcileQueue queue, TokenBucket bucket, CancellationToken term)
    {
        while (!term.IsCancellationRequested)
        {
            await bucket.TakeAsync(term).ConfigureAwait(false);
            var key = await queue.TakeAsync(term).ConfigureAwait(false);
            try
            {
                var outcome = await _reconciler.ReconcileAsync(_feeder.InferenceSet(key), term).ConfigureAwait(false);
                _telemetry.Reconciled(outcome);
                if (outcome == ReconcileOutcome.Terminating)
                {
                    queue.Retry(key);
                }
                else
                {
                    queue.Forget(key);
                }
            }
            catch (Exception e) when (!term.IsCancellationRequested && e is not OutOfMemoryException)
            {
                _telemetry.Failed();
                Log.ReconcileFailed(_logger, key, queue.Retry(key), e);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    private async Task ResyncAsync(ReconcileQueue queue, CancellationToken term)
    {
        using var timer = new PeriodicTimer(_options.ResyncInterval, _time);
        while (await timer.WaitForNextTickAsync(term).ConfigureAwait(false))
        {
            // Only InferenceSets with a scaledobject.kaito.sh/* annotation: the others have nothing of ours to repair
            // (switching off is a change the watch reports, and every term starts with all of them), and a large
            // unannotated fleet should cost no reads.
            EnqueueAll(queue, ProvisioningInputs.HasOurAnnotations);
        }
    }

    private void EnqueueAll(ReconcileQueue queue, Func<InferenceSetObject, bool>? filter = null)
    {
        var count = 0;
        foreach (var set in _feeder.InferenceSets())
        {
            if (filter?.Invoke(set) ?? true)
            {
                queue.Add(set.Key);
                count++;
            }
        }

        Log.Queued(_logger, count);
    }

    /// <summary>Called by the feeder under its lock, in order: must be quick and must not throw.</summary>
    private void OnInferenceSetChanged(ObjectKey key, InferenceSetObject? set)
    {
        lock (_gate)
        {
            if (set is null)
            {
                // The ScaledObject goes with it through its owner reference; nothing to write.
                _inputs.Remove(key);
                _reconciler.Forget(key);
                return;
            }

            var inputs = ProvisioningInputs.Of(set);
            if (_inputs.TryGetValue(key, out var previous) && previous.Equals(inputs))
            {
                return;
            }

            _inputs[key] = inputs;
            if (previous is null && !ProvisioningInputs.HasOurAnnotations(set) && !MayBeManaged(key))
            {
                // First seen, nothing of ours asked for: only a ScaledObject of ours left from before could need a write,
                // and the term's LIST says whether there is one (until it has been read, the term's initial pass decides).
                return;
            }

            _queue?.Add(key);
        }
    }

    /// <summary>Whether an InferenceSet seen for the first time may have a ScaledObject of ours to clean up (under <see cref="_gate"/>).</summary>
    private bool MayBeManaged(ObjectKey key) => _initialQueued && (_managed is null || _managed.Contains(key));

    private static partial class Log
    {
        [LoggerMessage(EventId = 1239, Level = LogLevel.Warning, Message = "Could not list ScaledObjects at the start of the leadership term; checking every InferenceSet instead")]
        public static partial void ManagedListFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Auto-provisioning is off (Provisioning:Enabled is false): no Lease, no ScaledObjects")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(EventId = 1220, Level = LogLevel.Debug, Message = "Queued {Count} InferenceSets for a full reconcile")]
        public static partial void Queued(ILogger logger, int count);

        [LoggerMessage(EventId = 1221, Level = LogLevel.Warning, Message = "Reconciling the ScaledObject of InferenceSet {InferenceSet} failed; retrying in {Delay}")]
        public static partial void ReconcileFailed(ILogger logger, ObjectKey inferenceSet, TimeSpan delay, Exception exception);
    }
}
