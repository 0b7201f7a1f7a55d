using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>
/// The membership table of one Orleans cluster as one ConfigMap, read at one <c>resourceVersion</c>: the table version
/// and its etag under <see cref="VersionKey"/> and <see cref="VersionEtagKey"/>, and one JSON <see cref="MembershipRow"/>
/// per silo under <see cref="MembershipRow.KeyFor"/>. A GET returns all of it at once, which is the atomic read
/// Orleans asks of <c>ReadAll</c>/<c>ReadRow</c>; a write is a PUT of a changed copy carrying the resourceVersion it was
/// read at, so the API server refuses it (409) if anything changed in between.
/// </summary>
internal sealed class MembershipConfigMap
{
    public const string VersionKey = "table-version";
    public const string VersionEtagKey = "table-version-etag";

    /// <summary>
    /// The etag of version 0. An absent ConfigMap reads as version 0 with this etag too, so "absent" and "created but
    /// empty" are the same table and an insert read from either may create the other.
    /// </summary>
    public const string InitialEtag = "0";

    /// <summary>The Orleans ClusterId, verbatim (the name may have had to be sanitised).</summary>
    public const string ClusterIdAnnotation = "orleans-kaito-scaler/cluster-id";

    public const string ComponentLabelValue = "orleans-membership";

    private const string AppName = "orleans-kaito-scaler";

    /// <summary>DNS-1123 labels are at most 63 characters; keeping the name a label also keeps it usable as a label value.</summary>
    private const int MaxNameLength = 63;

    private readonly V1ConfigMap _configMap;

    private MembershipConfigMap(V1ConfigMap configMap, TableVersion version, IReadOnlyDictionary<string, MembershipRow> rows)
    {
        _configMap = configMap;
        Version = version;
        Rows = rows;
    }

    /// <summary>False when the ConfigMap does not exist yet (a write then creates it).</summary>
    public bool Exists => _configMap.Metadata.ResourceVersion is not null;

    public TableVersion Version { get; }

    /// <summary>The owning cluster's id as annotated, or null on a ConfigMap we did not create.</summary>
    public string? ClusterId => _configMap.Metadata.Annotations?.TryGetValue(ClusterIdAnnotation, out var id) == true ? id : null;

    /// <summary>Rows by ConfigMap key.</summary>
    public IReadOnlyDictionary<string, MembershipRow> Rows { get; }

    /// <summary>The ConfigMap <see cref="Create"/> would write, read as if it were there: version 0, no rows.</summary>
    public static MembershipConfigMap Absent(string name, string @namespace, string clusterId) =>
        new(Create(name, @namespace, clusterId), new TableVersion(0, InitialEtag), new Dictionary<string, MembershipRow>());

    /// <summary>A new, empty table: version 0 with <see cref="InitialEtag"/>, labelled as ours.</summary>
    public static V1ConfigMap Create(string name, string @namespace, string clusterId) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string>
            {
                ["app.kubernetes.io/name"] = AppName,
                ["app.kubernetes.io/component"] = ComponentLabelValue,
                ["app.kubernetes.io/part-of"] = AppName,
                ["app.kubernetes.io/managed-by"] = AppName,
            },
            Annotations = new Dictionary<string, string> { [ClusterIdAnnotation] = clusterId },
        },
        Data = new Dictionary<string, string>
        {
            [VersionKey] = "0",
            [VersionEtagKey] = InitialEtag,
        },
    };

    /// <summary>Reads a ConfigMap as a table; a row or version that cannot be read is <see cref="InvalidDataException"/>.</summary>
    public static MembershipConfigMap Parse(V1ConfigMap configMap)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        var data = configMap.Data ?? new Dictionary<string, string>();
        var version = 0;
        if (data.TryGetValue(VersionKey, out var text) && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            throw new InvalidDataException($"ConfigMap {configMap.Metadata.Name}: '{VersionKey}' is '{text}', not a table version");
        }

        var etag = data.TryGetValue(VersionEtagKey, out var e) && !string.IsNullOrEmpty(e) ? e : InitialEtag;
        var rows = data.Where(d => d.Key.StartsWith(MembershipRow.KeyPrefix, StringComparison.Ordinal))
            .ToDictionary(d => d.Key, d => MembershipRow.Parse(d.Key, d.Value), StringComparer.Ordinal);
        return new MembershipConfigMap(configMap, new TableVersion(version, etag), rows);
    }

    /// <summary>
    /// A copy to PUT (or, when the table does not exist yet, to POST): <paramref name="version"/> replaces the table
    /// version when given, <paramref name="set"/> rows are written and <paramref name="remove"/> keys dropped. Keys
    /// that are not ours are kept. The copy carries the resourceVersion this table was read at, which makes the
    /// write a compare-and-swap.
    /// </summary>
    public V1ConfigMap With(TableVersion? version = null, IEnumerable<KeyValuePair<string, MembershipRow>>? set = null, IEnumerable<string>? remove = null)
    {
        var data = new Dictionary<string, string>(_configMap.Data ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (version is not null)
        {
            data[VersionKey] = version.Version.ToString(CultureInfo.InvariantCulture);
            data[VersionEtagKey] = version.VersionEtag;
        }

        foreach (var (key, row) in set ?? [])
        {
            data[key] = row.ToJson();
        }

        foreach (var key in remove ?? [])
        {
            data.Remove(key);
        }

        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = _configMap.Metadata,
            Data = data,
            BinaryData = _configMap.BinaryData,
            Immutable = _configMap.Immutable,
        };
    }

    /// <summary>Every row with its etag, and the table version, as Orleans' <c>ReadAll</c> returns them.</summary>
    public MembershipTableData ToTableData() =>
        new(Rows.Values.Select(r => Tuple.Create(r.ToEntry(), r.Etag)).ToList(), Version);

    /// <summary>One silo's row (or none) and the table version, as Orleans' <c>ReadRow</c> returns them.</summary>
    public MembershipTableData ToTableData(SiloAddress silo) =>
        TryGetRow(silo, out var row) ? new MembershipTableData(Tuple.Create(row.ToEntry(), row.Etag), Version) : new MembershipTableData(Version);

    /// <summary>The row of <paramref name="silo"/>; a row under its key for another address (a hand edit) does not count.</summary>
    public bool TryGetRow(SiloAddress silo, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MembershipRow? row)
    {
        if (Rows.TryGetValue(MembershipRow.KeyFor(silo), out row) && SiloAddress.FromParsableString(row.SiloAddress).Equals(silo))
        {
            return true;
        }

        row = null;
        return false;
    }

    /// <summary>
    /// The ConfigMap's name for <paramref name="clusterId"/>: <paramref name="prefix"/> plus the id when that is already
    /// a DNS-1123 label; otherwise the id lower-cased with other characters turned to <c>-</c>, shortened to fit 63
    /// characters, and followed by 8 hex digits of its SHA-256 — so <c>Prod_A</c>, <c>prod-a</c> and <c>PROD.A</c> still
    /// get three different tables.
    /// </summary>
    public static string NameFor(string prefix, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        var plain = prefix + clusterId;
        if (plain.Length <= MaxNameLength && IsDns1123Label(plain))
        {
            return plain;
        }

        var sanitised = new StringBuilder(clusterId.Length);
        foreach (var c in clusterId.ToLowerInvariant())
        {
            var next = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-';
            if (next != '-' || (sanitised.Length > 0 && sanitised[^1] != '-'))
            {
                sanitised.Append(next);
            }
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clusterId)))[..8];
        var room = MaxNameLength - prefix.Length - hash.Length - 1;
        var body = sanitised.ToString(0, Math.Min(sanitised.Length, Math.Max(room, 0))).Trim('-');
        return (body.Length == 0 ? $"{prefix}{hash}" : $"{prefix}{body}-{hash}").TrimStart('-');
    }

    private static bool IsDns1123Label(string name) =>
        name.Length > 0
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-';
}
