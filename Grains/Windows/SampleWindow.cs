using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Windows;

/// <summary>
/// The sliding window of one scrape target: rounds in time order, pruned to what the registered triggers
/// need (the newest round always stays, so <c>sum</c> and <c>service-avg</c> keep answering).
/// </summary>
/// <remarks>
/// The newest round is kept as scraped; each older one is packed (<see cref="PackedRound"/>: its numbers in one
/// array, names shared with the rounds beside it), read back one family at a time by a windowed aggregation and
/// unpacked whole only for a checkpoint. A 5-minute window is some sixty rounds, and this is most of what an
/// InferenceSet costs a silo.
/// </remarks>
public sealed class SampleWindow
{
    private readonly List<PackedRound> _older = [];
    private ScrapeRound? _newest;

    /// <summary>How many rounds the window holds.</summary>
    public int Count => _older.Count + (_newest is null ? 0 : 1);

    /// <summary>From the oldest round to the newest; zero with fewer than two.</summary>
    public TimeSpan Span => _newest is null || _older.Count == 0 ? TimeSpan.Zero : _newest.At - _older[0].At;

    /// <summary>Rounds, oldest first (the older ones unpacked: a copy to read, not to keep).</summary>
    public IReadOnlyList<ScrapeRound> Rounds
    {
        get
        {
            var rounds = new List<ScrapeRound>(Count);
            rounds.AddRange(_older.Select(r => r.Unpack()));
            if (_newest is not null)
            {
                rounds.Add(_newest);
            }

            return rounds;
        }
    }

    public ScrapeRound? Newest => _newest;

    /// <summary>Approximate bytes the window holds: the packed rounds as packed, the newest as scraped (sizes from a heap census).</summary>
    public long Bytes => _older.Sum(r => r.Bytes) + (_newest is null ? 0 : UnpackedBytes(_newest));

    /// <summary>
    /// Appends a round. Rounds of one target are scraped one after another, so a round older than the newest means
    /// the wall clock stepped back: the window restarts from this round (it warms up again) rather than freezing on
    /// samples whose age can no longer be told. Returns false when it restarted.
    /// </summary>
    public bool Add(ScrapeRound round)
    {
        ArgumentNullException.ThrowIfNull(round);
        var inOrder = _newest is null || round.At >= _newest.At;
        if (!inOrder)
        {
            Clear();
        }
        else if (_newest is not null)
        {
            _older.Add(PackedRound.Pack(_newest, _older.Count == 0 ? null : _older[^1].Layout));
        }

        _newest = round;
        return inOrder;
    }

    /// <summary>Drops rounds older than <paramref name="retention"/> before <paramref name="now"/>, keeping the newest.</summary>
    public void Prune(DateTimeOffset now, TimeSpan retention)
    {
        var cutoff = now - retention;
        var drop = 0;
        while (drop < _older.Count && _older[drop].At < cutoff)
        {
            drop++;
        }

        _older.RemoveRange(0, drop);
    }

    /// <summary>The newest round that asked for <paramref name="family"/>.</summary>
    public ScrapeRound? NewestCovering(string family)
    {
        if (_newest is not null && _newest.Covers(family))
        {
            return _newest;
        }

        for (var i = _older.Count - 1; i >= 0; i--)
        {
            if (_older[i].Covers(family))
            {
                return _older[i].Unpack();
            }
        }

        return null;
    }

    /// <summary>
    /// The samples of <paramref name="family"/> in each round that asked for it (with <paramref name="buckets"/>: for it
    /// with its histogram buckets) at or after <paramref name="from"/>, oldest first: per round, each endpoint that
    /// answered, with <paramref name="absent"/> where it lacked the family. Packed rounds decode that family alone.
    /// </summary>
    public List<FamilyRound> Samples(string family, DateTimeOffset from, bool buckets, FamilyValue absent)
    {
        var rounds = new List<FamilyRound>();
        foreach (var round in _older)
        {
            if (round.At >= from && round.Covers(family, buckets))
            {
                rounds.Add(new FamilyRound(round.At, round.Read(family, absent)));
            }
        }

        if (_newest is not null && _newest.At >= from && _newest.Covers(family, buckets))
        {
            rounds.Add(new FamilyRound(_newest.At, [.. _newest.Endpoints
                .Where(e => e.Succeeded)
                .Select(e => new FamilySample(e.Endpoint, e.AnsweredAfter, e.Families!.TryGetValue(family, out var value) ? value : absent))]));
        }

        return rounds;
    }

    public void Clear()
    {
        _older.Clear();
        _newest = null;
    }

    /// <summary>
    /// Bytes per part of a round as scraped, as the heap census of bench/README.md measured them: an endpoint's part
    /// (the round, its endpoint array, the scrape, the family map and its slots), each family's value, a histogram's
    /// sum and count, and each kept bucket.
    /// </summary>
    private const int EndpointBytes = 240, FamilyBytes = 32, HistogramBytes = 40, BucketBytes = 16;

    private static long UnpackedBytes(ScrapeRound round) =>
        round.Endpoints.Sum(e => EndpointBytes + (e.Families?.Values.Sum(f => FamilyBytes + (f.Histogram is { } h ? HistogramBytes + (h.Buckets.Count * BucketBytes) : 0)) ?? 0));
}
