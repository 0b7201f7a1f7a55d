namespace OrleansKaitoScaler.Grains.Windows;

/// <summary>
/// The sliding window of one scrape target: rounds in time order, pruned to what the registered triggers
/// need (the newest round always stays, so <c>sum</c> and <c>service-avg</c> keep answering).
/// </summary>
public sealed class SampleWindow
{
    private readonly List<ScrapeRound> _rounds = [];

    /// <summary>Rounds, oldest first.</summary>
    public IReadOnlyList<ScrapeRound> Rounds => _rounds;

    public ScrapeRound? Newest => _rounds.Count == 0 ? null : _rounds[^1];

    /// <summary>
    /// Appends a round. Rounds of one target are scraped one after another, so a round older than the newest means
    /// the wall clock stepped back: the window restarts from this round (it warms up again) rather than freezing on
    /// samples whose age can no longer be told. Returns false when it restarted.
    /// </summary>
    public bool Add(ScrapeRound round)
    {
        ArgumentNullException.ThrowIfNull(round);
        var inOrder = _rounds.Count == 0 || round.At >= _rounds[^1].At;
        if (!inOrder)
        {
            _rounds.Clear();
        }

        _rounds.Add(round);
        return inOrder;
    }

    /// <summary>Drops rounds older than <paramref name="retention"/> before <paramref name="now"/>, keeping the newest.</summary>
    public void Prune(DateTimeOffset now, TimeSpan retention)
    {
        var cutoff = now - retention;
        var drop = 0;
        while (drop < _rounds.Count - 1 && _rounds[drop].At < cutoff)
        {
            drop++;
        }

        _rounds.RemoveRange(0, drop);
    }

    /// <summary>The newest round that asked for <paramref name="family"/>.</summary>
    public ScrapeRound? NewestCovering(string family)
    {
        for (var i = _rounds.Count - 1; i >= 0; i--)
        {
            if (_rounds[i].Covers(family))
            {
                return _rounds[i];
            }
        }

        return null;
    }

    /// <summary>Rounds that asked for <paramref name="family"/> at or after <paramref name="from"/>, oldest first.</summary>
    public IEnumerable<ScrapeRound> Covering(string family, DateTimeOffset from) =>
        _rounds.Where(r => r.At >= from && r.Covers(family));

    /// <summary>Rounds that asked for <paramref name="family"/> with its histogram buckets at or after <paramref name="from"/>, oldest first.</summary>
    public IEnumerable<ScrapeRound> CoveringBuckets(string family, DateTimeOffset from) =>
        _rounds.Where(r => r.At >= from && r.CoversBuckets(family));

    public void Clear() => _rounds.Clear();
}
