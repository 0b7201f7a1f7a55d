using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;
using static OrleansKaitoScaler.Silo.Tests.Provisioning.InferenceSets;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>Enabling, the replica range and the simple (threshold) form; the composite form is in <see cref="CompositeMetricsParserTests"/>.</summary>
public sealed class AutoProvisioningParserTests
{
    [Fact]
    public void An_InferenceSet_without_the_auto_provision_annotation_is_not_requested()
    {
        var set = new InferenceSetObject(new ObjectKey("default", "phi-4"), "uid-1", true, 1, 1, 5,
            new Dictionary<string, string> { [Threshold] = "10" });

        Assert.IsType<AutoProvisioningResult.NotRequested>(AutoProvisioningParser.Parse(set));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData(" true")]
    [InlineData("yes")]
    [InlineData("")]
    public void Only_exactly_lower_case_true_requests_auto_provisioning_as_in_the_Go_scaler(string value)
    {
        Assert.IsType<AutoProvisioningResult.NotRequested>(AutoProvisioningParser.Parse(Simple((AutoProvision, value))));
    }

    [Fact]
    public void A_requested_InferenceSet_keeps_its_identity_for_the_ScaledObject()
    {
        var spec = Requested(Simple());

        Assert.Equal(new ObjectKey("default", "phi-4"), spec.Target);
        Assert.Equal("uid-1", spec.Uid);
    }

    [Fact]
    public void Min_replicas_defaults_to_1()
    {
        Assert.Equal(1, Requested(Simple()).MinReplicas);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-3")]
    public void Min_replicas_of_1_or_less_become_1(string value)
    {
        Assert.Equal(1, Requested(Simple((MinReplicas, value))).MinReplicas);
    }

    [Fact]
    public void Min_replicas_above_1_is_kept()
    {
        Assert.Equal(3, Requested(Simple((MinReplicas, "3"))).MinReplicas);
    }

    [Theory]
    [InlineData("two")]
    [InlineData("1.5")]
    public void Min_replicas_that_is_not_a_whole_number_is_an_invalid_replica_range(string value)
    {
        var invalid = Invalid(Simple((MinReplicas, value)));

        Assert.Equal("InvalidReplicaRange", invalid.Reason);
        Assert.Contains(MinReplicas, invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_replicas_sets_the_maximum_and_wins_over_node_count_limit()
    {
        var spec = Requested(With(8, (Threshold, "10"), (MaxReplicas, "3")));

        Assert.Equal(3, spec.MaxReplicas);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-2")]
    public void Max_replicas_of_1_or_less_is_an_invalid_replica_range(string value)
    {
        var invalid = Invalid(Simple((MaxReplicas, value)));

        Assert.Equal("InvalidReplicaRange", invalid.Reason);
        Assert.Equal($"{MaxReplicas} must be greater than 1, got {value}", invalid.Message);
    }

    [Theory]
    [InlineData("five")]
    [InlineData("5.0")]
    public void Max_replicas_that_is_not_a_whole_number_is_an_invalid_replica_range(string value)
    {
        var invalid = Invalid(Simple((MaxReplicas, value)));

        Assert.Equal("InvalidReplicaRange", invalid.Reason);
        Assert.Contains(MaxReplicas, invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_replicas_below_min_replicas_is_an_invalid_replica_range()
    {
        var invalid = Invalid(Simple((MinReplicas, "4"), (MaxReplicas, "3")));

        Assert.Equal("InvalidReplicaRange", invalid.Reason);
        Assert.Equal($"{MaxReplicas} (3) is less than {MinReplicas} (4)", invalid.Message);
    }

    [Fact]
    public void Max_replicas_equal_to_min_replicas_is_allowed()
    {
        var spec = Requested(Simple((MinReplicas, "3"), (MaxReplicas, "3")));

        Assert.Equal((3, 3), (spec.MinReplicas, spec.MaxReplicas));
    }

    [Fact]
    public void Without_max_replicas_the_node_count_limit_is_the_maximum()
    {
        Assert.Equal(7, Requested(With(7, (Threshold, "10"))).MaxReplicas);
    }

    [Fact]
    public void A_node_count_limit_below_min_replicas_is_an_invalid_replica_range_naming_it()
    {
        var invalid = Invalid(With(2, (Threshold, "10"), (MinReplicas, "3")));

        Assert.Equal("InvalidReplicaRange", invalid.Reason);
        Assert.Equal($"spec.nodeCountLimit (2) is less than {MinReplicas} (3)", invalid.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Without_max_replicas_a_positive_node_count_limit_is_required(int? nodeCountLimit)
    {
        var invalid = Invalid(With(nodeCountLimit, (Threshold, "10")));

        Assert.Equal("InvalidReplicaRange", invalid.Reason);
        Assert.Contains(MaxReplicas, invalid.Message, StringComparison.Ordinal);
        Assert.Contains("spec.nodeCountLimit", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_max_replicas_counts_as_not_given()
    {
        Assert.Equal(5, Requested(With(5, (Threshold, "10"), (MaxReplicas, " "))).MaxReplicas);
    }

    [Fact]
    public void Replica_counts_beyond_int32_are_clamped_as_in_the_Go_scaler()
    {
        var spec = Requested(Simple((MinReplicas, "9999999999"), (MaxReplicas, "99999999999")));

        Assert.Equal((int.MaxValue, int.MaxValue), (spec.MinReplicas, spec.MaxReplicas));
    }

    [Fact]
    public void The_replica_range_is_checked_before_the_scaling_configuration()
    {
        var invalid = Invalid(With(null, (Threshold, "not a number")));

        Assert.Equal("InvalidReplicaRange", invalid.Reason);
    }

    [Fact]
    public void The_simple_form_reads_threshold_and_metric_name()
    {
        var scaling = Assert.IsType<ThresholdScaling>(Requested(Simple((MetricName, "vllm:num_requests_running"))).Scaling);

        Assert.Equal(new ThresholdScaling("vllm:num_requests_running", "10"), scaling);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Metric_name_defaults_to_vllm_num_requests_waiting(string? value)
    {
        var scaling = Assert.IsType<ThresholdScaling>(Requested(Simple((MetricName, value))).Scaling);

        Assert.Equal("vllm:num_requests_waiting", scaling.MetricName);
    }

    [Theory]
    [InlineData("0.5", "0.5")]
    [InlineData(" 10 ", "10")]
    [InlineData("1e3", "1e3")]
    public void A_positive_threshold_is_passed_on_as_written(string value, string expected)
    {
        var scaling = Assert.IsType<ThresholdScaling>(Requested(Simple((Threshold, value))).Scaling);

        Assert.Equal(expected, scaling.Threshold);
    }

    [Fact]
    public void Without_metrics_the_threshold_is_required()
    {
        var invalid = Invalid(With());

        Assert.Equal("InvalidConfig", invalid.Reason);
        Assert.Equal($"auto-provisioning needs {Metrics} (a list of metrics) or {Threshold}", invalid.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    [InlineData("10%")]
    public void A_threshold_that_is_not_a_positive_finite_number_is_invalid_config(string value)
    {
        var invalid = Invalid(Simple((Threshold, value)));

        Assert.Equal("InvalidConfig", invalid.Reason);
        Assert.Equal($"{Threshold} must be a number greater than 0, got \"{value}\"", invalid.Message);
    }

    [Fact]
    public void A_threshold_of_0_is_refused_because_the_scaler_would_refuse_the_trigger()
    {
        var invalid = Invalid(Simple((Threshold, "0")));

        Assert.Equal("InvalidConfig", invalid.Reason);
        Assert.Contains(Threshold, invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_wins_over_threshold_when_both_are_present()
    {
        var spec = Requested(Composite(GaugeMetric, (Threshold, "not even a number"), (MetricName, "ignored")));

        var composite = Assert.IsType<CompositeScaling>(spec.Scaling);
        Assert.Equal("vllm:num_requests_waiting", Assert.Single(composite.Metrics).Name);
    }

    [Fact]
    public void A_blank_metrics_annotation_falls_back_to_the_simple_form()
    {
        Assert.IsType<ThresholdScaling>(Requested(Simple((Metrics, "  \n"))).Scaling);
    }

    [Fact]
    public void The_simple_form_ignores_the_composite_tuning_annotations()
    {
        Assert.IsType<ThresholdScaling>(Requested(Simple((EvaluationWindow, "-1"), (CombinePolicy, "OR"))).Scaling);
    }
}
