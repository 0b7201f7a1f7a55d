using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>
/// One silo's row as stored under its key in the membership ConfigMap: every <see cref="MembershipEntry"/> field plus
/// the row's etag, as JSON. Silo addresses are written in Orleans' parsable form (<c>10.0.0.5:11111@412345678</c>) and
/// times in ISO 8601, so <c>kubectl get configmap -o yaml</c> reads like the table it is.
/// </summary>
internal sealed record MembershipRow
{
    /// <summary>The prefix of every row's key; other keys in the ConfigMap are not rows.</summary>
    public const string KeyPrefix = "silo-";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Changes on every InsertRow/UpdateRow of this row and never on a heartbeat (Orleans requires a heartbeat-neutral row etag).</summary>
    public required string Etag { get; init; }

    public required string SiloAddress { get; init; }

    public required SiloStatus Status { get; init; }

    public int ProxyPort { get; init; }

    public string? HostName { get; init; }

    public string? SiloName { get; init; }

    public string? RoleName { get; init; }

    public int UpdateZone { get; init; }

    public int FaultZone { get; init; }

    public DateTime StartTime { get; init; }

    public DateTime IAmAliveTime { get; init; }

    /// <summary>Null when the entry has no list at all (kept apart from an empty list, as Orleans does).</summary>
    public IReadOnlyList<SuspectVote>? SuspectTimes { get; init; }

    /// <summary>
    /// The ConfigMap key of a silo's row: <c>silo-&lt;ip&gt;-&lt;port&gt;-&lt;generation&gt;</c>. ConfigMap keys allow only
    /// <c>[-._a-zA-Z0-9]</c>, so an IPv6 address's colons become <c>_</c> and a scope id's <c>%</c> becomes <c>.</c>;
    /// neither character occurs in an address otherwise, so distinct silos keep distinct keys.
    /// </summary>
    public static string KeyFor(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var address = silo.Endpoint.Address.ToString().Replace(':', '_').Replace('%', '.');
        return string.Create(CultureInfo.InvariantCulture, $"{KeyPrefix}{address}-{silo.Endpoint.Port}-{silo.Generation}");
    }

    public static MembershipRow From(MembershipEntry entry, string etag)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new MembershipRow
        {
            Etag = etag,
            SiloAddress = entry.SiloAddress.ToParsableString(),
            Status = entry.Status,
            ProxyPort = entry.ProxyPort,
            HostName = entry.HostName,
            SiloName = entry.SiloName,
            RoleName = entry.RoleName,
            UpdateZone = entry.UpdateZone,
            FaultZone = entry.FaultZone,
            StartTime = entry.StartTime,
            IAmAliveTime = entry.IAmAliveTime,
            SuspectTimes = entry.SuspectTimes?.Select(v => new SuspectVote(v.Item1.ToParsableString(), v.Item2)).ToList(),
        };
    }

    /// <summary>Reads a row; a value that is not one is <see cref="InvalidDataException"/> naming <paramref name="key"/>.</summary>
    public static MembershipRow Parse(string key, string json)
    {
        try
        {
            var row = JsonSerializer.Deserialize<MembershipRow>(json, s_json)
                ?? throw new InvalidDataException($"membership row '{key}' is null");
            _ = Orleans.Runtime.SiloAddress.FromParsableString(row.SiloAddress);
            return row;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"membership row '{key}' is not a membership entry: {e.Message}", e);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public MembershipEntry ToEntry() => new()
    {
        SiloAddress = Orleans.Runtime.SiloAddress.FromParsableString(SiloAddress),
        Status = Status,
        ProxyPort = ProxyPort,
        HostName = HostName!,
        SiloName = SiloName!,
        RoleName = RoleName,
        UpdateZone = UpdateZone,
        FaultZone = FaultZone,
        StartTime = StartTime,
        IAmAliveTime = IAmAliveTime,
        SuspectTimes = SuspectTimes?.Select(v => Tuple.Create(Orleans.Runtime.SiloAddress.FromParsableString(v.Silo), v.Time)).ToList(),
    };

    /// <summary>
    /// When this row last showed a sign of life or of being judged: the latest of its start, its heartbeat and any
    /// suspicion vote (Orleans' <c>EffectiveUpdateTime</c>, which is internal), so a silo declared dead recently is
    /// kept by cleanup even if its own heartbeat stopped long ago.
    /// </summary>
    public DateTime LastUpdate()
    {
        var latest = Max(AsUtc(StartTime), AsUtc(IAmAliveTime));
        foreach (var vote in SuspectTimes ?? [])
        {
            latest = Max(latest, AsUtc(vote.Time));
        }

        return latest;

        static DateTime AsUtc(DateTime time) => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    }
}
