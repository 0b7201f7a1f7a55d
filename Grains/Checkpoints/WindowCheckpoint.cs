using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains.Checkpoints;

/// <summary>
/// What an InferenceSet grain needs to carry on where it stopped: the triggers KEDA asked for (and when) and each
/// target's rounds. Rounds hold only the families the triggers asked for, never bodies, so a 5-minute window of a
/// few replicas is some kilobytes.
/// </summary>
[GenerateSerializer]
public sealed class WindowCheckpoint
{
    /// <summary>The grain activation that writes it; a new activation starts a new sequence with a full checkpoint.</summary>
    [Id(0)]
    public Guid Writer { get; set; }

    /// <summary>The number of the last change applied (full checkpoint or appended round).</summary>
    [Id(1)]
    public long Sequence { get; set; }

    [Id(2)]
    public List<CheckpointedTrigger> Triggers { get; set; } = [];

    [Id(3)]
    public Dictionary<ScrapeProfile, List<CheckpointedRound>> Rounds { get; set; } = [];

    /// <summary>Rounds held, over every target.</summary>
    public int RoundCount => Rounds.Values.Sum(r => r.Count);
}

/// <summary>A trigger as checkpointed: its query and when KEDA last asked it.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckpointedTrigger([property: Id(0)] MetricQuery Query, [property: Id(1)] DateTimeOffset LastAsked);

/// <summary>One scrape round as checkpointed.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckpointedRound(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string[] Families,
    [property: Id(2)] CheckpointedEndpoint[] Endpoints)
{
    /// <summary>The families whose buckets the round kept (<see cref="ScrapeRound.BucketFamilies"/>); null: all of them.</summary>
    [Id(3)]
    public string[]? BucketFamilies { get; init; }

    public static CheckpointedRound From(ScrapeRound round)
    {
        ArgumentNullException.ThrowIfNull(round);
        string[] families = [.. round.Families];
        return new(
            round.At,
            families,
            [.. round.Endpoints.Select(e => new CheckpointedEndpoint(e.Endpoint, null, e.ErrorReason, e.Error, e.Latency, e.Bytes, e.AnsweredAfter)
            {
                Values = e.Families is null ? null : [.. families.Select(f => e.Families.TryGetValue(f, out var value) ? value : null)],
            })])
        {
            BucketFamilies = round.BucketFamilies is null ? null : [.. round.BucketFamilies],
        };
    }

    /// <summary>
    /// The rounds of one target, in order. Consecutive rounds that asked for the same families share one set of names,
    /// as the rounds of a live window do, so a restored window weighs what the lost one did.
    /// </summary>
    public static IReadOnlyList<ScrapeRound> ToRounds(IEnumerable<CheckpointedRound> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var restored = new List<ScrapeRound>();
        foreach (var round in rounds)
        {
            restored.Add(round.ToRound(restored.Count == 0 ? null : restored[^1]));
        }

        return restored;
    }

    /// <summary>
    /// The round; its sets of names and its endpoints' names are <paramref name="previous"/>'s where they are equal
    /// (a copy received over the wire has its own strings in every round, and a window holds some sixty rounds).
    /// </summary>
    public ScrapeRound ToRound(ScrapeRound? previous = null) =>
        new(At, [.. Endpoints.Select((e, i) => new EndpointScrape(SharedName(e.Endpoint, i, previous), e.FamiliesIn(this), e.ErrorReason, e.Error, e.Latency, e.Bytes) { AnsweredAfter = e.AnsweredAfter })], Shared(Families, previous?.Families)!)
        {
            BucketFamilies = Shared(BucketFamilies, previous?.BucketFamilies),
        };

    private static string SharedName(string name, int index, ScrapeRound? previous) =>
        previous is not null && index < previous.Endpoints.Count && string.Equals(previous.Endpoints[index].Endpoint, name, StringComparison.Ordinal)
            ? previous.Endpoints[index].Endpoint
            : name;

    private static IReadOnlySet<string>? Shared(string[]? names, IReadOnlySet<string>? previous) =>
        names is null ? null
        : previous is not null && previous.Count == names.Length && names.All(previous.Contains) ? previous
        : names.ToHashSet(StringComparer.Ordinal);
}

/// <summary>One endpoint's part of a checkpointed round: its families, or its recorded error.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckpointedEndpoint(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] Dictionary<string, FamilyValue>? Families,
    [property: Id(2)] ScrapeErrorReason? ErrorReason,
    [property: Id(3)] string? Error,
    [property: Id(4)] TimeSpan Latency,
    [property: Id(5)] long Bytes,
    [property: Id(6)] TimeSpan AnsweredAfter)
{
    /// <summary>
    /// The values of the round's families (<see cref="CheckpointedRound.Families"/>), in its order; null where the body
    /// lacked one; null as a whole for a failed scrape. Written instead of <see cref="Families"/>, which copies from
    /// before it carry: an array beside the round's shared names instead of a dictionary per endpoint and round.
    /// </summary>
    [Id(7)]
    public FamilyValue?[]? Values { get; init; }

    /// <summary>The families as a scrape has them: null for a failed one.</summary>
    public IReadOnlyDictionary<string, FamilyValue>? FamiliesIn(CheckpointedRound round)
    {
        ArgumentNullException.ThrowIfNull(round);
        return Families is not null ? Families : Values is null ? null : new FamilyValues(round.Families, Values);
    }
}

/// <summary>One round appended to a checkpoint, valid only as the next change of the same writer.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckpointAppend(
    [property: Id(0)] Guid Writer,
    [property: Id(1)] long Sequence,
    [property: Id(2)] CheckpointedTrigger[] Triggers,
    [property: Id(3)] ScrapeProfile Profile,
    [property: Id(4)] CheckpointedRound Round,
    [property: Id(5)] TimeSpan Retention);
