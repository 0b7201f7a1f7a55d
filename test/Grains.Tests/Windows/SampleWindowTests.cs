using OrleansKaitoScaler.Grains.Windows;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;

namespace OrleansKaitoScaler.Grains.Tests.Windows;

public sealed class SampleWindowTests
{
    [Fact]
    public void Pruning_drops_rounds_older_than_the_retention_but_keeps_the_newest()
    {
        var window = Window(Round(T0, Gauge("a", 1)), Round(T0.AddSeconds(15), Gauge("a", 2)), Round(T0.AddSeconds(30), Gauge("a", 3)));

        window.Prune(T0.AddSeconds(40), TimeSpan.FromSeconds(20));
        Assert.Equal([T0.AddSeconds(30)], window.Rounds.Select(r => r.At));

        window.Prune(T0.AddHours(1), TimeSpan.Zero);
        Assert.Equal([T0.AddSeconds(30)], window.Rounds.Select(r => r.At));
    }

    [Fact]
    public void A_clock_that_stepped_back_restarts_the_window_instead_of_freezing_it()
    {
        var window = Window(Round(T0, Gauge("a", 1)), Round(T0.AddSeconds(15), Gauge("a", 1)));

        Assert.False(window.Add(Round(T0.AddSeconds(5), Gauge("a", 2))));
        var only = Assert.Single(window.Rounds);
        Assert.Equal(T0.AddSeconds(5), only.At);
    }

    [Fact]
    public void Rounds_that_did_not_ask_for_a_family_do_not_count_for_it()
    {
        var window = new SampleWindow();
        window.Add(new ScrapeRound(T0, [Gauge("a", 1)], new HashSet<string> { Waiting }));
        window.Add(new ScrapeRound(T0.AddSeconds(15), [Gauge("a", 2)], new HashSet<string> { "other" }));

        Assert.Equal(T0, window.NewestCovering(Waiting)!.At);
        Assert.Null(window.NewestCovering("absent"));
    }
}
