using System.Diagnostics;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// Missed scrape deadlines, seen from the replicas. A round of a replica is due one interval after the previous one
/// reached it. It counts as <b>missed</b> when the next request arrives more than half an interval late (a gap over
/// 1.5 × interval: late, or a round skipped because the previous was still in flight), and once per interval for a
/// replica that stayed unscraped until the end of the window. Expected rounds are replicas × span / interval.
/// </summary>
internal sealed record ScrapeDeadlines(long Expected, long Scrapes, long Missed)
{
    public double MissedFraction => Expected == 0 ? 0 : (double)Missed / Expected;

    public static void Start(IEnumerable<PortFleet.Replica> replicas, TimeSpan interval)
    {
        var late = (long)(interval.TotalSeconds * 1.5 * Stopwatch.Frequency);
        foreach (var replica in replicas)
        {
            replica.StartWindow(late);
        }
    }

    public static ScrapeDeadlines End(IReadOnlyCollection<PortFleet.Replica> replicas, TimeSpan interval, TimeSpan span)
    {
        var now = Stopwatch.GetTimestamp();
        long scrapes = 0, missed = 0;
        foreach (var replica in replicas)
        {
            var (count, lateGaps, last) = replica.EndWindow();
            scrapes += count;
            missed += lateGaps;

            // Silent at the end: every interval beyond the due time counts, as the next gap would when it came.
            var sinceLast = Stopwatch.GetElapsedTime(count == 0 ? now - (long)(span.TotalSeconds * Stopwatch.Frequency) : last, now);
            if (sinceLast > interval * 1.5)
            {
                missed += (long)((sinceLast - (interval / 2)) / interval);
            }
        }

        return new ScrapeDeadlines((long)(replicas.Count * (span / interval)), scrapes, missed);
    }
}
