using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class ScalingFormulaTests
{
    private static CompositeMetric Gauge(string variable, double up, double down) =>
        new(variable, variable, MetricKind.Gauge, "modelpod", up, down, null);

    [Fact]
    public void One_metric_scales_up_past_its_up_threshold_behind_the_gate_and_down_below_its_down_threshold()
    {
        Assert.Equal(
            "(readiness_gate == 1 && waiting > 10) ? 2.0 : ((waiting < 1) ? 0.5 : 1.0)",
            ScalingFormula.Build([Gauge("waiting", 10, 1)]));
    }

    [Fact]
    public void Two_metrics_must_all_agree_in_either_direction()
    {
        Assert.Equal(
            "(readiness_gate == 1 && waiting > 10 && queue_time > 1.5) ? 2.0 : ((waiting < 2 && queue_time < 0.5) ? 0.5 : 1.0)",
            ScalingFormula.Build([Gauge("waiting", 10, 2), Gauge("queue_time", 1.5, 0.5)]));
    }

    [Fact]
    public void Three_metrics_are_joined_in_annotation_order()
    {
        Assert.Equal(
            "(readiness_gate == 1 && a > 3 && b > 20 && c > 0.25) ? 2.0 : ((a < 1 && b < -5 && c < 0) ? 0.5 : 1.0)",
            ScalingFormula.Build([Gauge("a", 3, 1), Gauge("b", 20, -5), Gauge("c", 0.25, 0)]));
    }

    [Theory]
    [InlineData(30.0, "30")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "0.0000001")]
    [InlineData(1.25e-5, "0.0000125")]
    [InlineData(1e21, "1000000000000000000000")]
    [InlineData(1.5e22, "15000000000000000000000")]
    [InlineData(-2.5e-8, "-0.000000025")]
    [InlineData(123456.789, "123456.789")]
    public void Thresholds_are_written_as_Go_formats_them_without_exponents(double value, string text)
    {
        Assert.Equal(text, ScalingFormula.PlainNumber(value));
    }
}
