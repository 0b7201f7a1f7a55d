namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// A histogram (or summary) family at one endpoint, merged across its series: <c>_sum</c> and
/// <c>_count</c> added up, buckets added up per <c>le</c> bound (cumulative counts, ascending bounds).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HistogramValue(
    [property: Id(0)] double Sum,
    [property: Id(1)] double Count,
    [property: Id(2)] IReadOnlyList<HistogramBucket> Buckets);

/// <summary>One cumulative bucket: observations ≤ <paramref name="UpperBound"/>.</summary>
[GenerateSerializer, Immutable]
public readonly record struct HistogramBucket([property: Id(0)] double UpperBound, [property: Id(1)] double Count);
