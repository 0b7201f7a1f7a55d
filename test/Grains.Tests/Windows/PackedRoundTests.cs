using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.Grains.Windows;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;

namespace OrleansKaitoScaler.Grains.Tests.Windows;

/// <summary>A window packs every round but the newest; reading one back must give every value it was scraped with.</summary>
public sealed class PackedRoundTests
{
    private static readonly double[] Awkward = [0, -0.0, 1.5, -7, 1e300, double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [Fact]
    public void Rounds_read_back_from_a_window_equal_the_rounds_added_value_for_value()
    {
        var random = new Random(20261123);
        var families = new HashSet<string>(StringComparer.Ordinal) { Waiting, Ttft, "vllm:num_requests_running" };
        var buckets = new HashSet<string>(StringComparer.Ordinal) { Ttft };
        var window = new SampleWindow();
        var added = new List<ScrapeRound>();
        for (var i = 0; i < 300; i++)
        {
            if (i % 50 == 49)
            {
                // A trigger registered or forgotten: the next rounds ask for other families.
                families = [.. families.Where(_ => random.Next(3) > 0).Append($"family-{i}")];
                buckets = random.Next(2) == 0 ? [] : [.. families.Take(1)];
            }

            var endpoints = Enumerable.Range(0, 1 + (i / 100)).Select(e => RandomScrape(random, $"replica-{e}", families)).ToArray();
            var round = new ScrapeRound(T0.AddSeconds(5 * i), endpoints, families) { BucketFamilies = i % 7 == 0 ? null : buckets };
            added.Add(round);
            window.Add(round);
        }

        var read = window.Rounds;

        Assert.Equal(added.Count, read.Count);
        Assert.Same(added[^1], read[^1]);
        for (var i = 0; i < added.Count; i++)
        {
            AssertSameRound(added[i], read[i]);
        }

        // A windowed aggregation reads one family's samples without unpacking whole rounds: the same values.
        var absent = new FamilyValue(0, null);
        foreach (var family in added.SelectMany(r => r.Families).Append("unrequested").Append("never").Distinct())
        {
            foreach (var withBuckets in new[] { false, true })
            {
                var samples = window.Samples(family, T0.AddSeconds(100), withBuckets, absent);
                var expected = added.Where(r => r.At >= T0.AddSeconds(100) && (withBuckets ? r.CoversBuckets(family) : r.Covers(family))).ToList();
                Assert.Equal(expected.Select(r => r.At), samples.Select(r => r.At));
                for (var i = 0; i < expected.Count; i++)
                {
                    var answered = expected[i].Endpoints.Where(e => e.Succeeded).ToList();
                    Assert.Equal(answered.Select(e => (e.Endpoint, e.AnsweredAfter)), samples[i].Samples.Select(s => (s.Endpoint, s.AnsweredAfter)));
                    for (var e = 0; e < answered.Count; e++)
                    {
                        var value = answered[e].Families!.TryGetValue(family, out var v) ? v : absent;
                        AssertSameValue(value, samples[i].Samples[e].Value);
                    }
                }
            }
        }
    }

    [Fact]
    public void Consecutive_rounds_with_the_same_endpoints_and_families_share_their_names()
    {
        var families = new HashSet<string>(StringComparer.Ordinal) { Waiting };
        var window = new SampleWindow();
        for (var i = 0; i < 4; i++)
        {
            window.Add(new ScrapeRound(T0.AddSeconds(5 * i), [Gauge("a", i), Gauge("b", i)], families));
        }

        var read = window.Rounds;

        Assert.Same(read[0].Endpoints[0].Endpoint, read[1].Endpoints[0].Endpoint);
        Assert.Same(read[0].Families, read[2].Families);
        Assert.Same(families, read[0].Families);
    }

    [Fact]
    public void Packed_rounds_count_for_far_less_of_the_window_memory_than_the_round_as_scraped()
    {
        var families = new HashSet<string>(StringComparer.Ordinal) { Waiting, Ttft };
        var window = new SampleWindow();
        window.Add(new ScrapeRound(T0, [Both("a")], families));
        var one = window.Bytes;
        for (var i = 1; i <= 60; i++)
        {
            window.Add(new ScrapeRound(T0.AddSeconds(5 * i), [Both("a")], families));
        }

        var perPackedRound = (window.Bytes - one) / 60.0;

        // As scraped: 240 for the endpoint, 2 × 32 for the families, 40 for the histogram; packed: 32 + 24 + 10 × 8 (3 for the endpoint, 2 for the gauge, 5 for the histogram).
        Assert.Equal(344, one);
        Assert.Equal(136, perPackedRound);
        Assert.Equal(61, window.Count);
        Assert.Equal(TimeSpan.FromMinutes(5), window.Span);
    }

    [Fact]
    public void A_failed_endpoint_is_kept_with_its_error_and_beside_it_the_others_values()
    {
        var window = Window(Round(T0, Failed("a"), Gauge("b", 4)), Round(T0.AddSeconds(5), Gauge("a", 1)));

        var packed = window.Rounds[0];

        Assert.False(packed.Endpoints[0].Succeeded);
        Assert.Equal(ScrapeErrorReason.Connection, packed.Endpoints[0].ErrorReason);
        Assert.Equal("connection refused", packed.Endpoints[0].Error);
        Assert.Equal(4, packed.Endpoints[1].Families![Waiting].Value);
        Assert.Equal(1, packed.SucceededCount);
    }

    private static EndpointScrape Both(string endpoint) =>
        EndpointScrape.Success(endpoint, new Dictionary<string, FamilyValue> { [Waiting] = new(3, null), [Ttft] = new(0, new HistogramValue(1.5, 9, [])) }, TimeSpan.FromMilliseconds(3), 47_000);

    private static EndpointScrape RandomScrape(Random random, string name, IReadOnlySet<string> families)
    {
        if (random.Next(10) == 0)
        {
            return EndpointScrape.Failure(name, (ScrapeErrorReason)random.Next(3), $"error {random.Next()}", TimeSpan.FromTicks(random.NextInt64(1, 100_000_000)), random.Next(100));
        }

        var values = new Dictionary<string, FamilyValue>(StringComparer.Ordinal);
        foreach (var family in families.Append("unrequested"))
        {
            switch (random.Next(4))
            {
                case 0:
                    break;
                case 1:
                    values[family] = new FamilyValue(Value(random), null);
                    break;
                default:
                    var bucketCount = random.Next(2) == 0 ? 0 : random.Next(1, 20);
                    values[family] = new FamilyValue(Value(random), new HistogramValue(
                        Value(random),
                        Value(random),
                        [.. Enumerable.Range(0, bucketCount).Select(b => new HistogramBucket(b == bucketCount - 1 ? double.PositiveInfinity : b * 0.1, Value(random)))]));
                    break;
            }
        }

        var latency = TimeSpan.FromTicks(random.NextInt64(1, 100_000_000));
        return EndpointScrape.Success(name, values, latency, random.NextInt64(0, long.MaxValue), random.Next(2) == 0 ? null : latency / 3);
    }

    private static double Value(Random random) =>
        random.Next(3) == 0 ? Awkward[random.Next(Awkward.Length)] : (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-5, 12));

    private static void AssertSameRound(ScrapeRound expected, ScrapeRound actual)
    {
        Assert.Equal(expected.At, actual.At);
        Assert.Equal(expected.At.Offset, actual.At.Offset);
        Assert.True(expected.Families.SetEquals(actual.Families));
        Assert.Equal(expected.BucketFamilies is null, actual.BucketFamilies is null);
        Assert.True(expected.BucketFamilies is null || expected.BucketFamilies.SetEquals(actual.BucketFamilies!));
        Assert.Equal(expected.Endpoints.Count, actual.Endpoints.Count);
        for (var i = 0; i < expected.Endpoints.Count; i++)
        {
            var (e, a) = (expected.Endpoints[i], actual.Endpoints[i]);
            Assert.Equal(e.Endpoint, a.Endpoint);
            Assert.Equal(e.ErrorReason, a.ErrorReason);
            Assert.Equal(e.Error, a.Error);
            Assert.Equal(e.Latency, a.Latency);
            Assert.Equal(e.AnsweredAfter, a.AnsweredAfter);
            Assert.Equal(e.Bytes, a.Bytes);
            Assert.Equal(e.Families is null, a.Families is null);
            if (e.Families is null)
            {
                continue;
            }

            Assert.Equal(e.Families.Keys.Order(StringComparer.Ordinal), a.Families!.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, value) in e.Families)
            {
                AssertSameValue(value, a.Families[name]);
            }
        }
    }

    private static void AssertSameValue(FamilyValue expected, FamilyValue actual)
    {
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Value), BitConverter.DoubleToInt64Bits(actual.Value));
        Assert.Equal(expected.Histogram is null, actual.Histogram is null);
        if (expected.Histogram is { } histogram)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(histogram.Sum), BitConverter.DoubleToInt64Bits(actual.Histogram!.Sum));
            Assert.Equal(BitConverter.DoubleToInt64Bits(histogram.Count), BitConverter.DoubleToInt64Bits(actual.Histogram.Count));
            Assert.Equal(histogram.Buckets, actual.Histogram.Buckets);
        }
    }
}
