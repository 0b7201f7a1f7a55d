using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Checkpoints;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;

namespace OrleansKaitoScaler.Grains.Tests.Checkpoints;

public sealed class WindowCheckpointTests
{
    private static readonly Guid Writer = Guid.NewGuid();
    private static readonly MetricQuery Rate = Query(AggregationKind.Rate, family: "vllm:generation_tokens_total", windowSeconds: 60);

    [Fact]
    public void An_appended_round_is_kept_and_rounds_older_than_the_retention_are_dropped_but_the_newest()
    {
        var copy = WindowCopy.Of(new WindowCheckpoint { Writer = Writer, Sequence = 1 });
        for (var t = 0; t <= 90; t += 15)
        {
            Assert.True(copy.TryApply(Append(copy.Sequence + 1, T0.AddSeconds(t), retention: TimeSpan.FromSeconds(75))));
        }

        var checkpoint = copy.ToCheckpoint();
        Assert.Equal(8, checkpoint.Sequence);
        Assert.Equal([T0.AddSeconds(15), T0.AddSeconds(30), T0.AddSeconds(45), T0.AddSeconds(60), T0.AddSeconds(75), T0.AddSeconds(90)], checkpoint.Rounds[ScrapeProfile.Default].Select(r => r.At));
        Assert.Equal(Rate, Assert.Single(checkpoint.Triggers).Query);
    }

    [Fact]
    public void A_profile_no_trigger_uses_any_more_is_dropped()
    {
        var other = ScrapeProfile.Default with { Path = "/other" };
        var checkpoint = new WindowCheckpoint { Writer = Writer, Sequence = 1 };
        checkpoint.Rounds[other] = [CheckpointedRound.From(Round(T0, Gauge("a", 1)))];
        var copy = WindowCopy.Of(checkpoint);

        Assert.True(copy.TryApply(Append(2, T0.AddSeconds(15), TimeSpan.FromMinutes(5))));

        Assert.Equal([ScrapeProfile.Default], copy.ToCheckpoint().Rounds.Keys);
    }

    [Fact]
    public void A_round_older_than_the_newest_restarts_the_copy_as_the_window_restarts()
    {
        var copy = WindowCopy.Of(new WindowCheckpoint { Writer = Writer, Sequence = 1 });
        Assert.True(copy.TryApply(Append(2, T0.AddSeconds(30), TimeSpan.FromMinutes(5))));
        Assert.True(copy.TryApply(Append(3, T0.AddSeconds(10), TimeSpan.FromMinutes(5))));

        Assert.Equal([T0.AddSeconds(10)], copy.ToCheckpoint().Rounds[ScrapeProfile.Default].Select(r => r.At));
    }

    [Fact]
    public void A_change_that_is_not_the_next_of_the_writer_followed_is_refused_and_changes_nothing()
    {
        var copy = WindowCopy.Of(new WindowCheckpoint { Writer = Writer, Sequence = 1 });
        Assert.True(copy.TryApply(Append(2, T0, TimeSpan.FromMinutes(5))));

        Assert.False(copy.TryApply(Append(4, T0.AddSeconds(5), TimeSpan.FromMinutes(5))));
        Assert.False(copy.TryApply(Append(3, T0.AddSeconds(5), TimeSpan.FromMinutes(5)) with { Writer = Guid.NewGuid() }));

        Assert.Equal(2, copy.Sequence);
        Assert.Equal([T0], copy.ToCheckpoint().Rounds[ScrapeProfile.Default].Select(r => r.At));
    }

    [Fact]
    public void A_round_survives_the_trip_through_the_copy_unchanged()
    {
        var round = Round(T0, Gauge("a", 5) with { Latency = TimeSpan.FromMilliseconds(900), AnsweredAfter = TimeSpan.FromMilliseconds(40) }, Buckets("b", (0.1, 3), (double.PositiveInfinity, 4)), Failed("c"));

        var back = CheckpointedRound.From(round).ToRound();

        Assert.Equal(round.At, back.At);
        Assert.Equal(round.Families.Order(), back.Families.Order());
        Assert.Equal(round.Endpoints.Select(e => (e.Endpoint, e.ErrorReason, e.Error, e.Latency, e.AnsweredAfter, e.Bytes)), back.Endpoints.Select(e => (e.Endpoint, e.ErrorReason, e.Error, e.Latency, e.AnsweredAfter, e.Bytes)));
        Assert.Equal(round.Endpoints[0].Families, back.Endpoints[0].Families);
        Assert.Equal(round.Endpoints[1].Families![Ttft].Histogram!.Buckets, back.Endpoints[1].Families![Ttft].Histogram!.Buckets);
        Assert.Null(back.Endpoints[2].Families);
    }

    [Fact]
    public void Which_families_kept_their_buckets_survives_the_wire_and_restored_rounds_share_their_names()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var lean = new HashSet<string>(StringComparer.Ordinal);
        var rounds = new[]
        {
            Round(T0, Histogram("a", 1, 2)) with { BucketFamilies = lean },
            Round(T0.AddSeconds(5), Histogram("a", 2, 3)) with { BucketFamilies = lean },
            Round(T0.AddSeconds(10), Buckets("a", (1, 3), (double.PositiveInfinity, 4))) with { BucketFamilies = new HashSet<string>([Ttft], StringComparer.Ordinal) },
            Round(T0.AddSeconds(15), Buckets("a", (1, 4), (double.PositiveInfinity, 5))),
        };

        var wire = rounds.Select(r => serializer.Deserialize<CheckpointedRound>(serializer.SerializeToArray(CheckpointedRound.From(r)))!);
        var back = CheckpointedRound.ToRounds(wire);

        Assert.Equal([false, false, true, true], back.Select(r => r.CoversBuckets(Ttft)));
        Assert.Null(back[3].BucketFamilies);
        Assert.Same(back[0].BucketFamilies, back[1].BucketFamilies);
        Assert.Same(back[0].Families, back[1].Families);
        Assert.Same(back[1].Families, back[2].Families);
        Assert.Equal(rounds[2].Endpoints[0].Families![Ttft].Histogram!.Buckets, back[2].Endpoints[0].Families![Ttft].Histogram!.Buckets);
    }

    [Fact]
    public void A_copy_received_over_the_wire_shares_its_names_from_round_to_round()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var copy = WindowCopy.Of(new WindowCheckpoint { Writer = Writer, Sequence = 1 });
        for (var i = 0; i < 3; i++)
        {
            var at = T0.AddSeconds(5 * i);
            var round = Round(at, Gauge("a", i), Histogram("b", i, i)) with { BucketFamilies = new HashSet<string>(StringComparer.Ordinal) };
            var append = new CheckpointAppend(Writer, 2 + i, [new CheckpointedTrigger(Rate, at)], ScrapeProfile.Default, CheckpointedRound.From(round), TimeSpan.FromMinutes(5));
            Assert.True(copy.TryApply(serializer.Deserialize<CheckpointAppend>(serializer.SerializeToArray(append))!));
        }

        // Kept packed, as a window: the rounds read back share one set of names and one array of endpoint names.
        var rounds = copy.Window(ScrapeProfile.Default)!.Rounds;
        Assert.Equal(3, rounds.Count);
        Assert.All(rounds.Skip(1), r =>
        {
            Assert.Same(rounds[0].Families, r.Families);
            Assert.Same(rounds[0].BucketFamilies, r.BucketFamilies);
            Assert.Same(rounds[0].Endpoints[0].Endpoint, r.Endpoints[0].Endpoint);
            Assert.Same(rounds[0].Endpoints[1].Endpoint, r.Endpoints[1].Endpoint);
        });
        var restored = CheckpointedRound.ToRounds(copy.ToCheckpoint().Rounds[ScrapeProfile.Default]);
        Assert.Equal([0.0, 1, 2], restored.Select(r => r.Endpoints[0].Families![Waiting].Value));
        Assert.Equal([0.0, 1, 2], restored.Select(r => r.Endpoints[1].Families![Ttft].Histogram!.Sum));
    }

    [Fact]
    public void A_copy_written_before_values_were_arrays_still_restores()
    {
        var older = new CheckpointedRound(
            T0,
            [Waiting],
            [
                new CheckpointedEndpoint("a", new Dictionary<string, FamilyValue> { [Waiting] = new(4, null) }, null, null, TimeSpan.FromMilliseconds(3), 100, TimeSpan.FromMilliseconds(2)),
                new CheckpointedEndpoint("b", null, ScrapeErrorReason.Connection, "refused", TimeSpan.FromMilliseconds(1), 0, TimeSpan.FromMilliseconds(1)),
            ]);

        var round = older.ToRound();

        Assert.Equal(4, round.Endpoints[0].Families![Waiting].Value);
        Assert.False(round.Endpoints[1].Succeeded);
        Assert.True(round.CoversBuckets(Waiting));
    }

    private static CheckpointAppend Append(long sequence, DateTimeOffset at, TimeSpan retention) =>
        new(Writer, sequence, [new CheckpointedTrigger(Rate, at)], ScrapeProfile.Default, CheckpointedRound.From(Round(at, Gauge("a", 1, "vllm:generation_tokens_total"))), retention);
}

public sealed class RendezvousTests
{
    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    [Fact]
    public void A_thousand_keys_spread_over_three_silos_within_ten_percent_of_a_third()
    {
        SiloAddress[] silos = [Silo(11111), Silo(11112), Silo(11113)];

        var counts = Enumerable.Range(0, 1000).GroupBy(i => Rendezvous.Choose($"default/is-{i:D4}", silos)).Select(g => g.Count()).ToList();

        Assert.Equal(3, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 300, 367));
    }

    [Fact]
    public void When_a_silo_joins_only_the_keys_it_wins_move_and_they_move_to_it()
    {
        SiloAddress[] before = [Silo(11111), Silo(11112)];
        SiloAddress[] after = [.. before, Silo(11113)];
        var keys = Enumerable.Range(0, 1000).Select(i => $"ns-{i % 20}/model-{i}").ToList();

        var moved = keys.Where(k => !Rendezvous.Choose(k, before).Equals(Rendezvous.Choose(k, after))).ToList();

        Assert.All(moved, k => Assert.Equal(after[2], Rendezvous.Choose(k, after)));
        Assert.InRange(moved.Count, 280, 390);
    }

    [Fact]
    public void The_choice_does_not_depend_on_the_order_silos_are_listed_in()
    {
        SiloAddress[] silos = [Silo(11111), Silo(11112), Silo(11113)];

        Assert.All(Enumerable.Range(0, 200), i =>
            Assert.Equal(Rendezvous.Choose($"k{i}", silos), Rendezvous.Choose($"k{i}", [.. silos.Reverse()])));
    }
}
