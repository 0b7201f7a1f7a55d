using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>
/// Orleans' membership table kept in one ConfigMap per cluster (<see cref="MembershipConfigMap"/>), so clustering needs
/// nothing but the Kubernetes API. Every write is a compare-and-swap: a PUT carrying the <c>resourceVersion</c> the
/// table was read at. Orleans' conditions (the table version etag still current; the row absent for an insert,
/// present with the given etag for an update) are checked on that read, so a write that passes the API server's
/// check was decided on the table as it still is — which makes the row change and the table-version bump one
/// atomic step. A 409 on InsertRow or UpdateRow is answered <c>false</c> (another silo wrote first; Orleans reads
/// again and decides again), never retried blindly. Other API failures are thrown, and Orleans retries them.
/// </summary>
internal sealed partial class KubernetesMembershipTable : IMembershipTable
{
    private readonly IKubernetes _client;
    private readonly KubernetesMembershipOptions _options;
    private readonly string _clusterId;
    private readonly ILogger<KubernetesMembershipTable> _logger;

    public KubernetesMembershipTable(
        IKubernetes client,
        IOptions<KubernetesMembershipOptions> options,
        IOptions<ClusterOptions> cluster,
        ILogger<KubernetesMembershipTable> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cluster);
        _client = client;
        _options = options.Value;
        _clusterId = cluster.Value.ClusterId;
        _logger = logger;
        Namespace = _options.Namespace;
        ConfigMapName = MembershipConfigMap.NameFor(_options.ConfigMapNamePrefix, _clusterId);
    }

    /// <summary>The namespace of the table's ConfigMap.</summary>
    public string Namespace { get; }

    /// <summary>The table's ConfigMap.</summary>
    public string ConfigMapName { get; }

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <summary>
    /// Creates the empty table when <paramref name="tryInitTableVersion"/> (one that exists already is fine), and
    /// refuses a ConfigMap of that name that another ClusterId created.
    /// </summary>
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        if (tryInitTableVersion)
        {
            var created = await TryWriteAsync(
                MembershipConfigMap.Absent(ConfigMapName, Namespace, _clusterId),
                MembershipConfigMap.Create(ConfigMapName, Namespace, _clusterId),
                "create",
                cancellationToken).ConfigureAwait(false);
            if (created)
            {
                Log.TableCreated(_logger, Namespace, ConfigMapName, _clusterId);
                return;
            }
        }

        var table = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (table.Exists && table.ClusterId is { } owner && !string.Equals(owner, _clusterId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"ConfigMap {Namespace}/{ConfigMapName} holds the membership of cluster '{owner}', not '{_clusterId}'; set {KubernetesMembershipOptions.SectionName}:ConfigMapNamePrefix apart");
        }
    }

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <summary>Deletes the whole ConfigMap of <paramref name="clusterId"/> (gone already is fine).</summary>
    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        var name = MembershipConfigMap.NameFor(_options.ConfigMapNamePrefix, clusterId);
        try
        {
            await _client.CoreV1.DeleteNamespacedConfigMapAsync(name, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            Log.TableDeleted(_logger, Namespace, name, clusterId);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            // Nothing to delete.
        }
        catch (HttpOperationException e)
        {
            Log.RequestFailed(_logger, "delete", Namespace, name, (int?)e.Response?.StatusCode, e);
            throw;
        }
    }

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <summary>
    /// Removes every row that is not Active and has shown no sign of life (start, heartbeat or suspicion vote) since
    /// <paramref name="beforeDate"/> — Orleans' own table tests expect every non-Active status to go, not only Dead.
    /// Removing rows leaves the table version alone, as Orleans' other providers do; a lost race reads again.
    /// </summary>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var table = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var defunct = table.Rows.Where(r => r.Value.Status != SiloStatus.Active && r.Value.LastUpdate() < beforeDate.UtcDateTime)
                .Select(r => r.Key).ToList();
            if (!table.Exists || defunct.Count == 0)
            {
                return;
            }

            if (await TryWriteAsync(table, table.With(remove: defunct), "cleanup", cancellationToken).ConfigureAwait(false))
            {
                Log.DefunctRowsRemoved(_logger, defunct.Count, beforeDate, Namespace, ConfigMapName);
                return;
            }

            Log.ConflictRetried(_logger, "CleanupDefunctSiloEntries", Namespace, ConfigMapName, attempt + 1, _options.MaxConflictRetries);
            if (attempt >= _options.MaxConflictRetries)
            {
                throw new InvalidOperationException(
                    $"removing defunct silos from ConfigMap {Namespace}/{ConfigMapName} lost {attempt + 1} races with other writers");
            }
        }
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken).ConfigureAwait(false)).ToTableData(key);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken).ConfigureAwait(false)).ToTableData();

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <summary>
    /// Adds <paramref name="entry"/> and sets the table version to <paramref name="tableVersion"/> with a new etag,
    /// in one write; false if the row exists, the version etag is stale, or another write got in first (409).
    /// </summary>
    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var table = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(table.Version.VersionEtag, tableVersion.VersionEtag, StringComparison.Ordinal))
        {
            Log.Refused(_logger, "InsertRow", entry.SiloAddress, "the table version etag is stale", table.Version, tableVersion);
            return false;
        }

        var key = MembershipRow.KeyFor(entry.SiloAddress);
        if (table.Rows.ContainsKey(key))
        {
            Log.Refused(_logger, "InsertRow", entry.SiloAddress, "the row exists", table.Version, tableVersion);
            return false;
        }

        var changed = table.With(NextVersion(tableVersion), [new(key, MembershipRow.From(entry, NewEtag()))]);
        if (!await TryWriteAsync(table, changed, "InsertRow", cancellationToken).ConfigureAwait(false))
        {
            Log.LostRace(_logger, "InsertRow", entry.SiloAddress);
            return false;
        }

        return true;
    }

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <summary>
    /// Replaces the row of <paramref name="entry"/> and sets the table version, in one write; false if the row is
    /// missing, its etag is not <paramref name="etag"/>, the version etag is stale, or another write got in first.
    /// A heartbeat written since the caller's read is kept: the row's IAmAliveTime never moves back.
    /// </summary>
    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var table = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(table.Version.VersionEtag, tableVersion.VersionEtag, StringComparison.Ordinal))
        {
            Log.Refused(_logger, "UpdateRow", entry.SiloAddress, "the table version etag is stale", table.Version, tableVersion);
            return false;
        }

        if (!table.TryGetRow(entry.SiloAddress, out var current))
        {
            Log.Refused(_logger, "UpdateRow", entry.SiloAddress, "the row does not exist", table.Version, tableVersion);
            return false;
        }

        if (!string.Equals(current.Etag, etag, StringComparison.Ordinal))
        {
            Log.Refused(_logger, "UpdateRow", entry.SiloAddress, "the row etag is stale", table.Version, tableVersion);
            return false;
        }

        var row = MembershipRow.From(entry, NewEtag());
        if (current.IAmAliveTime > row.IAmAliveTime)
        {
            row = row with { IAmAliveTime = current.IAmAliveTime };
        }

        var changed = table.With(NextVersion(tableVersion), [new(MembershipRow.KeyFor(entry.SiloAddress), row)]);
        if (!await TryWriteAsync(table, changed, "UpdateRow", cancellationToken).ConfigureAwait(false))
        {
            Log.LostRace(_logger, "UpdateRow", entry.SiloAddress);
            return false;
        }

        return true;
    }

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>
    /// Writes the silo's heartbeat time and nothing else — no row etag, no table version — so a heartbeat never
    /// invalidates what another silo read. It may be re-applied on a fresh read after a 409, up to
    /// <see cref="KubernetesMembershipOptions.MaxConflictRetries"/> times; a missing row is an error.
    /// </summary>
    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = MembershipRow.KeyFor(entry.SiloAddress);
        for (var attempt = 0; ; attempt++)
        {
            var table = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!table.TryGetRow(entry.SiloAddress, out var current))
            {
                throw new InvalidOperationException($"silo {entry.SiloAddress} has no row in ConfigMap {Namespace}/{ConfigMapName} to update its IAmAliveTime");
            }

            var changed = table.With(set: [new(key, current with { IAmAliveTime = entry.IAmAliveTime })]);
            if (await TryWriteAsync(table, changed, "UpdateIAmAlive", cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            Log.ConflictRetried(_logger, "UpdateIAmAlive", Namespace, ConfigMapName, attempt + 1, _options.MaxConflictRetries);
            if (attempt >= _options.MaxConflictRetries)
            {
                throw new InvalidOperationException(
                    $"the IAmAliveTime of silo {entry.SiloAddress} in ConfigMap {Namespace}/{ConfigMapName} lost {attempt + 1} races with other writers");
            }
        }
    }

    /// <summary>The table as it is now; a ConfigMap that does not exist reads as the empty table at version 0.</summary>
    private async Task<MembershipConfigMap> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var configMap = await _client.CoreV1.ReadNamespacedConfigMapAsync(ConfigMapName, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return MembershipConfigMap.Parse(configMap);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return MembershipConfigMap.Absent(ConfigMapName, Namespace, _clusterId);
        }
        catch (HttpOperationException e)
        {
            Log.RequestFailed(_logger, "get", Namespace, ConfigMapName, (int?)e.Response?.StatusCode, e);
            throw;
        }
    }

    /// <summary>
    /// PUTs <paramref name="changed"/> over <paramref name="read"/> (POSTs it when the table did not exist). False
    /// when the API server answers 409 — the ConfigMap changed since it was read (Conflict) or was created meanwhile
    /// (AlreadyExists) — and nothing was written.
    /// </summary>
    private async Task<bool> TryWriteAsync(MembershipConfigMap read, V1ConfigMap changed, string operation, CancellationToken cancellationToken)
    {
        try
        {
            if (read.Exists)
            {
                await _client.CoreV1.ReplaceNamespacedConfigMapAsync(changed, ConfigMapName, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _client.CoreV1.CreateNamespacedConfigMapAsync(changed, Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (HttpOperationException e)
        {
            Log.RequestFailed(_logger, operation, Namespace, ConfigMapName, (int?)e.Response?.StatusCode, e);
            throw;
        }
    }

    /// <summary>The version Orleans asked for, with a fresh etag: Orleans leaves choosing the new etag to the table.</summary>
    private static TableVersion NextVersion(TableVersion requested) => new(requested.Version, NewEtag());

    private static string NewEtag() => Guid.NewGuid().ToString("N");
}
