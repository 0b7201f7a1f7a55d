using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Aggregation;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

public sealed class MaxAggregatorTests
{
    private const string KvCache = "vllm:kv_cache_usage_perc";
    private readonly MaxAggregator _max = new();
    private readonly MetricQuery _query = Query(AggregationKind.Max, threshold: 0.8, family: KvCache);

    [Fact]
    public void Is_the_hottest_replica()
    {
        var window = Window(Round(T0, Gauge("a", 0.2, KvCache), Gauge("b", 0.93, KvCache), Gauge("c", 0.5, KvCache)));

        Assert.Equal(MetricAnswer.Of(0.93), Aggregate(_max, _query, window, T0));
    }

    [Fact]
    public void Leaves_failed_replicas_out()
    {
        var window = Window(Round(T0, Gauge("a", 0.2, KvCache), Failed("b")));

        Assert.Equal(MetricAnswer.Of(0.2), Aggregate(_max, _query, window, T0));
    }

    [Fact]
    public void A_family_nobody_exposes_or_nobody_answering_is_unavailable()
    {
        Assert.Equal(ScalerOutcome.Unavailable, Aggregate(_max, _query, Window(Round(T0, Without("a"))), T0).Outcome);
        Assert.Equal(ScalerOutcome.Unavailable, Aggregate(_max, _query, Window(Round(T0, Failed("a"))), T0).Outcome);
    }
}
