using OrleansKaitoScaler.Grains.Scraping;

namespace OrleansKaitoScaler.Grains.Tests.Scraping;

public sealed class ScrapePhaseTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_next_round_is_within_one_interval_and_falls_on_the_key_s_slot()
    {
        var phase = ScrapePhase.Of("default/phi-4", Interval);
        for (var step = 0; step < 1000; step++)
        {
            var now = Start + TimeSpan.FromMilliseconds(step * 37.3);

            var until = phase.UntilNextRound(now);

            Assert.InRange(until, TimeSpan.FromTicks(1), Interval);
            Assert.Equal(phase.Offset.Ticks, (now + until).UtcTicks % Interval.Ticks);
        }
    }

    [Fact]
    public void At_its_slot_the_next_round_is_a_whole_interval_away()
    {
        var phase = ScrapePhase.Of("default/phi-4", Interval);
        var slot = Start + phase.UntilNextRound(Start);

        Assert.Equal(Interval, phase.UntilNextRound(slot));
        Assert.Equal(Interval, phase.UntilRoundAfterTick(slot));
    }

    [Fact]
    public void A_tick_a_little_early_for_its_slot_does_not_take_it_twice_and_a_late_one_keeps_to_the_schedule()
    {
        var phase = ScrapePhase.Of("default/phi-4", Interval);
        var slot = Start + phase.UntilNextRound(Start);

        Assert.Equal(Interval + TimeSpan.FromMilliseconds(2), phase.UntilRoundAfterTick(slot - TimeSpan.FromMilliseconds(2)));
        Assert.Equal(Interval - TimeSpan.FromMilliseconds(900), phase.UntilRoundAfterTick(slot + TimeSpan.FromMilliseconds(900)));

        // The first timed round of a new target never skips a slot, however close.
        Assert.Equal(TimeSpan.FromMilliseconds(2), phase.UntilNextRound(slot - TimeSpan.FromMilliseconds(2)));
    }

    [Fact]
    public void The_early_tick_tolerance_is_a_quarter_of_a_short_interval_and_at_most_100_ms()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), ScrapePhase.Of("a/b", Interval).EarlyTickTolerance);
        Assert.Equal(TimeSpan.FromMilliseconds(25), ScrapePhase.Of("a/b", TimeSpan.FromMilliseconds(100)).EarlyTickTolerance);
    }

    [Fact]
    public void A_fleet_s_slots_spread_evenly_over_the_interval()
    {
        const int Keys = 10_000;
        const int Buckets = 10;
        var counts = new int[Buckets];
        for (var i = 0; i < Keys; i++)
        {
            var phase = ScrapePhase.Of($"ns-{i % 7}/inferenceset-{i}", Interval);
            counts[(int)(phase.Offset.Ticks * Buckets / Interval.Ticks)]++;
        }

        // Uniform would be 1,000 a bucket; a binomial's standard deviation here is 30.
        Assert.All(counts, c => Assert.InRange(c, 880, 1120));
    }

    [Fact]
    public void The_slot_is_the_same_in_every_process_so_a_grain_keeps_it_on_another_silo()
    {
        // Pinned (11.705 s into every 15 s): a hash randomised per process, as string.GetHashCode is, would move every
        // slot on every restart and differ from silo to silo.
        Assert.Equal(TimeSpan.FromTicks(PinnedOffsetTicks), ScrapePhase.Of("default/phi-4", Interval).Offset);
        Assert.NotEqual(ScrapePhase.Of("default/phi-4", Interval).Offset, ScrapePhase.Of("default/phi-5", Interval).Offset);
    }

    private const long PinnedOffsetTicks = 117_050_605;
}
