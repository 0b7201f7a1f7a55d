namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>
/// Where in the scrape interval an InferenceSet's rounds fall: at a fixed offset on the wall clock, taken from a stable
/// hash of its key, as Prometheus offsets each target. Without it, grains that start together (a silo starting, the fleet's
/// ScaledObjects applied at once, a failover restoring thousands of windows) keep scraping in step for as long as they
/// live, and every interval begins with a burst of the whole fleet's scrapes on a silo that is otherwise idle. With it
/// the rounds spread evenly over the interval, and they stay where they were when a grain moves to another silo.
/// </summary>
public readonly record struct ScrapePhase
{
    private ScrapePhase(TimeSpan offset, TimeSpan interval) => (Offset, Interval) = (offset, interval);

    /// <summary>Where the slots fall in each interval, counted on the wall clock from <see cref="DateTimeOffset.MinValue"/>.</summary>
    public TimeSpan Offset { get; }

    public TimeSpan Interval { get; }

    public static ScrapePhase Of(string key, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        // Orleans' stable hash (XxHash32), the same on every silo and in every run, scaled onto the interval.
        return new ScrapePhase(TimeSpan.FromTicks((long)(interval.Ticks * (StableHash.ComputeHash(key) / 4294967296.0))), interval);
    }

    /// <summary>A tick this close before a slot fired early for it (timers round to milliseconds), rather than late for the one before.</summary>
    public TimeSpan EarlyTickTolerance => Interval / 4 < TimeSpan.FromMilliseconds(100) ? Interval / 4 : TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long from <paramref name="now"/> until the next slot: in (0, <see cref="Interval"/>], so a grain's first
    /// timed round never comes later than an interval after its first, immediate one.
    /// </summary>
    public TimeSpan UntilNextRound(DateTimeOffset now)
    {
        var interval = Interval.Ticks;
        var until = (Offset.Ticks - (now.UtcTicks % interval) + interval) % interval;
        return TimeSpan.FromTicks(until == 0 ? interval : until);
    }

    /// <summary>
    /// From a tick at <paramref name="now"/>, how long until the slot after the one it served: a tick that fired a
    /// little before its slot (within <see cref="EarlyTickTolerance"/>) must not take that slot twice.
    /// </summary>
    public TimeSpan UntilRoundAfterTick(DateTimeOffset now)
    {
        var next = UntilNextRound(now);
        return next < EarlyTickTolerance ? next + Interval : next;
    }
}
