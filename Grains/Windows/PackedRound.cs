using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Windows;

/// <summary>
/// What a round's endpoints and families are called, and which families it asked for: the same from one round to
/// the next while nothing is registered, forgotten or rescheduled, so consecutive packed rounds share one.
/// </summary>
internal sealed class RoundLayout(IReadOnlySet<string> families, IReadOnlySet<string>? bucketFamilies, string[] endpoints, string[] familyNames)
{
    public IReadOnlySet<string> Families { get; } = families;

    public IReadOnlySet<string>? BucketFamilies { get; } = bucketFamilies;

    /// <summary>The round's endpoints, in its order.</summary>
    public string[] Endpoints { get; } = endpoints;

    /// <summary>Every family a value is packed for: the round's requested families, then any other an endpoint held.</summary>
    public string[] FamilyNames { get; } = familyNames;

    /// <summary>The layout of <paramref name="round"/>: <paramref name="previous"/> when it describes it, else a new one.</summary>
    public static RoundLayout Of(ScrapeRound round, RoundLayout? previous)
    {
        var endpoints = round.Endpoints;
        var sameEndpoints = previous is not null && previous.Endpoints.Length == endpoints.Count;
        for (var i = 0; sameEndpoints && i < endpoints.Count; i++)
        {
            sameEndpoints = string.Equals(previous!.Endpoints[i], endpoints[i].Endpoint, StringComparison.Ordinal);
        }

        var names = new List<string>(round.Families);
        foreach (var endpoint in endpoints)
        {
            foreach (var family in endpoint.Families?.Keys ?? [])
            {
                if (!round.Families.Contains(family) && !names.Contains(family, StringComparer.Ordinal))
                {
                    names.Add(family);
                }
            }
        }

        if (sameEndpoints
            && ReferenceEquals(previous!.Families, round.Families)
            && ReferenceEquals(previous.BucketFamilies, round.BucketFamilies)
            && previous.FamilyNames.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(names)))
        {
            return previous;
        }

        return new RoundLayout(
            round.Families,
            round.BucketFamilies,
            sameEndpoints ? previous!.Endpoints : [.. endpoints.Select(e => e.Endpoint)],
            [.. names]);
    }
}

/// <summary>
/// A round no longer the newest, packed: its time, its shared <see cref="RoundLayout"/> and one array of numbers,
/// instead of a round, an endpoint, a family map and a value object per family (about a sixth of their size). Lossless:
/// <see cref="Unpack"/> gives back the round it was packed from, value for value.
/// </summary>
/// <remarks>
/// Per endpoint, in the layout's order: its latency and <c>AnsweredAfter</c> in ticks and its byte count (as the
/// bits of a double), then per family of the layout a tag (0 absent, 1 a value, 2 a histogram) with the value, and for
/// a histogram its sum, count, bucket count and each bucket's bound and count. An endpoint that failed has no
/// numbers; it is kept as it was, in <see cref="Failed"/> (failures are rare and hold an error text anyway).
/// </remarks>
internal readonly struct PackedRound
{
    private const double Absent = 0, Scalar = 1, Histogram = 2;

    private readonly double[] _data;

    private PackedRound(DateTimeOffset at, RoundLayout layout, double[] data, EndpointScrape?[]? failed)
    {
        At = at;
        Layout = layout;
        _data = data;
        Failed = failed;
    }

    public DateTimeOffset At { get; }

    public RoundLayout Layout { get; }

    /// <summary>Aligned with the layout's endpoints: the failed ones as scraped, null for those that answered; null when all answered.</summary>
    public EndpointScrape?[]? Failed { get; }

    /// <summary>As <see cref="ScrapeRound.Covers(string, bool)"/>.</summary>
    public bool Covers(string family, bool buckets = false) => ScrapeRound.Asked(Layout.Families, Layout.BucketFamilies, family, buckets);

    /// <summary>Bytes this packed round holds on its own (its slot in the window, its numbers, its failures), for <c>oks_window_bytes</c>.</summary>
    public long Bytes => 32 + 24 + (8L * _data.Length) + (Failed is null ? 0 : 24 + (8L * Failed.Length));

    public static PackedRound Pack(ScrapeRound round, RoundLayout? previous)
    {
        ArgumentNullException.ThrowIfNull(round);
        var layout = RoundLayout.Of(round, previous);
        var data = new List<double>(16);
        EndpointScrape?[]? failed = null;
        for (var i = 0; i < round.Endpoints.Count; i++)
        {
            var endpoint = round.Endpoints[i];
            if (endpoint.Families is not { } families)
            {
                failed ??= new EndpointScrape?[round.Endpoints.Count];
                failed[i] = endpoint;
                continue;
            }

            data.Add(BitConverter.Int64BitsToDouble(endpoint.Latency.Ticks));
            data.Add(BitConverter.Int64BitsToDouble(endpoint.AnsweredAfter.Ticks));
            data.Add(BitConverter.Int64BitsToDouble(endpoint.Bytes));
            foreach (var name in layout.FamilyNames)
            {
                if (!families.TryGetValue(name, out var value))
                {
                    data.Add(Absent);
                    continue;
                }

                data.Add(value.Histogram is null ? Scalar : Histogram);
                data.Add(value.Value);
                if (value.Histogram is { } histogram)
                {
                    data.Add(histogram.Sum);
                    data.Add(histogram.Count);
                    data.Add(histogram.Buckets.Count);
                    foreach (var bucket in histogram.Buckets)
                    {
                        data.Add(bucket.UpperBound);
                        data.Add(bucket.Count);
                    }
                }
            }
        }

        return new PackedRound(round.At, layout, [.. data], failed);
    }

    /// <summary>The round as it was packed (new objects, equal in every value).</summary>
    public ScrapeRound Unpack()
    {
        var endpoints = new EndpointScrape[Layout.Endpoints.Length];
        var at = 0;
        for (var i = 0; i < endpoints.Length; i++)
        {
            if (Failed?[i] is { } failure)
            {
                endpoints[i] = failure;
                continue;
            }

            var latency = TimeSpan.FromTicks(BitConverter.DoubleToInt64Bits(_data[at++]));
            var answeredAfter = TimeSpan.FromTicks(BitConverter.DoubleToInt64Bits(_data[at++]));
            var bytes = BitConverter.DoubleToInt64Bits(_data[at++]);
            var values = new FamilyValue?[Layout.FamilyNames.Length];
            for (var f = 0; f < values.Length; f++)
            {
                values[f] = ReadValue(ref at);
            }

            endpoints[i] = EndpointScrape.Success(Layout.Endpoints[i], new FamilyValues(Layout.FamilyNames, values), latency, bytes, answeredAfter);
        }

        return new ScrapeRound(At, endpoints, Layout.Families) { BucketFamilies = Layout.BucketFamilies };
    }

    /// <summary>
    /// One family's samples, for a windowed aggregation: each endpoint that answered, with <paramref name="absent"/>
    /// where it lacked the family. Decodes that family alone.
    /// </summary>
    public FamilySample[] Read(string family, FamilyValue absent)
    {
        var index = Array.IndexOf(Layout.FamilyNames, family);
        var samples = new FamilySample[Layout.Endpoints.Length - (Failed?.Count(f => f is not null) ?? 0)];
        var at = 0;
        var next = 0;
        for (var i = 0; i < Layout.Endpoints.Length; i++)
        {
            if (Failed?[i] is not null)
            {
                continue;
            }

            at++;
            var answeredAfter = TimeSpan.FromTicks(BitConverter.DoubleToInt64Bits(_data[at]));
            at += 2;
            FamilyValue? value = null;
            for (var f = 0; f < Layout.FamilyNames.Length; f++)
            {
                if (f == index)
                {
                    value = ReadValue(ref at);
                }
                else
                {
                    SkipValue(ref at);
                }
            }

            samples[next++] = new FamilySample(Layout.Endpoints[i], answeredAfter, value ?? absent);
        }

        return samples;
    }

    private FamilyValue? ReadValue(ref int at)
    {
        var tag = _data[at++];
        if (tag == Absent)
        {
            return null;
        }

        var value = _data[at++];
        if (tag != Histogram)
        {
            return new FamilyValue(value, null);
        }

        var sum = _data[at++];
        var count = _data[at++];
        var length = (int)_data[at++];
        var buckets = length == 0 ? [] : new HistogramBucket[length];
        for (var b = 0; b < length; b++)
        {
            buckets[b] = new HistogramBucket(_data[at], _data[at + 1]);
            at += 2;
        }

        return new FamilyValue(value, new HistogramValue(sum, count, buckets));
    }

    private void SkipValue(ref int at)
    {
        var tag = _data[at++];
        at += tag == Absent ? 0 : tag == Scalar ? 1 : 4 + (2 * (int)_data[at + 3]);
    }
}

/// <summary>One endpoint's sample of one family in a round: when it answered (after the round began) and the value.</summary>
public readonly record struct FamilySample(string Endpoint, TimeSpan AnsweredAfter, FamilyValue Value);

/// <summary>One round's samples of one family, from the endpoints that answered, for a windowed aggregation.</summary>
public readonly record struct FamilyRound(DateTimeOffset At, IReadOnlyList<FamilySample> Samples);
