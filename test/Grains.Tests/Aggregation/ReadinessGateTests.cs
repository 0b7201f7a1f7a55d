using OrleansKaitoScaler.Abstractions.Scaling;
using AggregationKind = OrleansKaitoScaler.Abstractions.Scaling.Aggregation;
using OrleansKaitoScaler.Grains.Aggregation;
using OrleansKaitoScaler.Grains.Inventory;
using static OrleansKaitoScaler.Grains.Tests.Aggregation.Samples;

namespace OrleansKaitoScaler.Grains.Tests.Aggregation;

public sealed class ReadinessGateTests
{
    [Theory]
    [InlineData(3, 3, 1)]
    [InlineData(3, 4, 1)]
    [InlineData(3, 2, 0)]
    [InlineData(null, 1, 1)]
    [InlineData(null, 0, 0)]
    [InlineData(2, null, 0)]
    public void Is_one_only_when_every_desired_replica_is_ready(int? replicas, int? readyReplicas, double expected)
    {
        var inferenceSet = new InferenceSetSnapshot(new InferenceSetKey("default", "phi-4"), true, replicas, readyReplicas, []);

        var answer = Aggregate(new ReadinessGate(), Query(AggregationKind.Gate), Window(), T0, inferenceSet);

        Assert.Equal(MetricAnswer.Of(expected), answer);
    }
}
