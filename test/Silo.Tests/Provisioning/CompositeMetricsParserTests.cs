using OrleansKaitoScaler.Silo.Provisioning;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;
using static OrleansKaitoScaler.Silo.Tests.Provisioning.InferenceSets;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>The composite form: each rule of the <c>metrics</c> list and the global tuning annotations.</summary>
public sealed class CompositeMetricsParserTests
{
    private const string Histogram = """
        - name: vllm:request_queue_time_seconds
          type: histogram
          upthreshold: 30.0
          downthreshold: 1.0
        """;

    private static CompositeScaling Parsed(string metrics, params (string Key, string? Value)[] annotations) =>
        Assert.IsType<CompositeScaling>(Requested(Composite(metrics, annotations)).Scaling);

    private static string Refused(string metrics, params (string Key, string? Value)[] annotations)
    {
        var invalid = Invalid(Composite(metrics, annotations));
        Assert.Equal("InvalidConfig", invalid.Reason);
        return invalid.Message;
    }

    /// <summary>One metric entry with the given fields (YAML lines after "- ").</summary>
    private static string Entry(params string[] fields) => "- " + string.Join("\n  ", fields) + "\n";

    [Fact]
    public void A_gauge_and_a_histogram_are_read_in_order_with_their_defaults()
    {
        var scaling = Parsed(GaugeMetric + "\n" + Histogram);

        Assert.Equal(
            [
                new CompositeMetric("vllm:num_requests_waiting", "vllm_num_requests_waiting", MetricKind.Gauge, "modelpod", 10, 1, null),
                new CompositeMetric("vllm:request_queue_time_seconds", "vllm_request_queue_time_seconds", MetricKind.Histogram, "modelpod", 30, 1, 300),
            ],
            scaling.Metrics);
    }

    [Fact]
    public void Global_windows_default_to_60_300_and_300_seconds()
    {
        var scaling = Parsed(GaugeMetric);

        Assert.Equal((60, 300, 300), (scaling.EvaluationWindowSeconds, scaling.ScaleUpCooldownSeconds, scaling.ScaleDownCooldownSeconds));
    }

    [Fact]
    public void Global_windows_are_read_from_their_annotations()
    {
        var scaling = Parsed(GaugeMetric, (EvaluationWindow, "30"), (ScaleUpCooldown, "120"), (ScaleDownCooldown, "0"));

        Assert.Equal((30, 120, 0), (scaling.EvaluationWindowSeconds, scaling.ScaleUpCooldownSeconds, scaling.ScaleDownCooldownSeconds));
    }

    [Theory]
    [InlineData(EvaluationWindow, "-1")]
    [InlineData(EvaluationWindow, "1m")]
    [InlineData(ScaleUpCooldown, "2147483648")]
    [InlineData(ScaleUpCooldown, "1.5")]
    [InlineData(ScaleDownCooldown, "-300")]
    [InlineData(ScaleDownCooldown, "five")]
    public void Global_windows_must_be_non_negative_int32_seconds(string key, string value)
    {
        Assert.Equal($"{key} must be a whole number of seconds from 0 to 2147483647, got \"{value}\"", Refused(GaugeMetric, (key, value)));
    }

    [Theory]
    [InlineData("AND")]
    [InlineData("and")]
    [InlineData("And")]
    [InlineData("")]
    public void Combine_policy_AND_is_accepted_in_any_case_and_is_the_default(string value)
    {
        Parsed(GaugeMetric, (CombinePolicy, value));
    }

    [Theory]
    [InlineData("OR")]
    [InlineData("ANY")]
    public void Combine_policies_other_than_AND_are_refused(string value)
    {
        Assert.Equal($"{CombinePolicy} must be \"AND\", got \"{value}\"", Refused(GaugeMetric, (CombinePolicy, value)));
    }

    [Theory]
    [InlineData("- [unclosed", "is not valid YAML")]
    [InlineData("name: x\ntype: gauge", "must be a YAML list of metrics")]
    [InlineData("just text", "must be a YAML list of metrics")]
    [InlineData("[]", "must list at least one metric")]
    [InlineData("# only a comment", "must list at least one metric")]
    [InlineData("- a\n---\n- b", "must be one YAML document")]
    public void A_metrics_annotation_that_is_not_a_list_of_metrics_is_refused(string yaml, string problem)
    {
        var message = Refused(yaml);

        Assert.StartsWith(Metrics, message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_that_is_not_a_mapping_is_refused_naming_its_index()
    {
        Assert.StartsWith($"{Metrics}[1] must be a mapping", Refused(GaugeMetric + "\n- vllm:num_requests_running\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("name:")]
    [InlineData("name: \"\"")]
    [InlineData("name: ~")]
    public void The_name_is_required(string? nameLine)
    {
        var fields = new[] { nameLine, "type: gauge", "upthreshold: 10", "downthreshold: 1" }.OfType<string>();

        Assert.Equal($"{Metrics}[0].name is required", Refused(Entry([.. fields])));
    }

    [Fact]
    public void A_name_that_is_not_a_string_is_refused()
    {
        Assert.Equal($"{Metrics}[0].name must be a string, got 42", Refused(Entry("name: 42", "type: gauge", "upthreshold: 10", "downthreshold: 1")));
    }

    [Theory]
    [InlineData("type: summary", "\"summary\"")]
    [InlineData("type: Gauge", "\"Gauge\"")]
    [InlineData("source: modelpod", "nothing")]
    public void The_type_must_be_gauge_histogram_or_counter(string typeLine, string got)
    {
        var yaml = Entry("name: m", typeLine, "upthreshold: 10", "downthreshold: 1");

        Assert.Equal($"{Metrics}[0].type must be \"gauge\", \"histogram\" or \"counter\", got {got}", Refused(yaml));
    }

    [Fact]
    public void A_counter_is_a_rate_over_a_window_of_300_seconds_unless_given_one()
    {
        var metrics = Parsed(
            Entry("name: vllm:generation_tokens_total", "type: counter", "upthreshold: 500", "downthreshold: 100")
            + Entry("name: vllm:prompt_tokens_total", "type: counter", "upthreshold: 500", "downthreshold: 100", "metriccachewindow: 60")).Metrics;

        Assert.Equal(("rate", 300), (metrics[0].Aggregation, metrics[0].CacheWindowSeconds));
        Assert.Equal(("rate", 60), (metrics[1].Aggregation, metrics[1].CacheWindowSeconds));
        Assert.Null(metrics[0].Quantile);
    }

    [Theory]
    [InlineData("gauge", "max", "max")]
    [InlineData("gauge", "service-avg", "service-avg")]
    [InlineData("histogram", "quantile", "quantile")]
    [InlineData("histogram", "windowed-avg", "windowed-avg")]
    [InlineData("counter", "rate", "rate")]
    public void A_metric_may_choose_an_aggregation_its_type_allows(string type, string aggregation, string expected)
    {
        var metric = Assert.Single(Parsed(Entry("name: m", $"type: {type}", "upthreshold: 2", "downthreshold: 1", $"aggregation: {aggregation}")).Metrics);

        Assert.Equal(expected, metric.Aggregation);
    }

    [Theory]
    [InlineData("gauge", "quantile", "\"service-avg\" or \"max\" for a gauge")]
    [InlineData("gauge", "sum", "\"service-avg\" or \"max\" for a gauge")]
    [InlineData("histogram", "max", "\"windowed-avg\" or \"quantile\" for a histogram")]
    [InlineData("counter", "max", "\"rate\" for a counter")]
    [InlineData("counter", "Rate", "\"rate\" for a counter")]
    public void An_aggregation_the_type_does_not_allow_is_refused_naming_the_choices(string type, string aggregation, string choices)
    {
        var yaml = Entry("name: m", $"type: {type}", "upthreshold: 2", "downthreshold: 1", $"aggregation: {aggregation}");

        Assert.Equal($"{Metrics}[0].aggregation must be {choices}, got \"{aggregation}\"", Refused(yaml));
    }

    [Fact]
    public void A_quantile_aggregation_defaults_to_the_95th_percentile_and_reads_its_own()
    {
        var metrics = Parsed(
            Entry("name: a", "type: histogram", "upthreshold: 2", "downthreshold: 1", "aggregation: quantile")
            + Entry("name: b", "type: histogram", "upthreshold: 2", "downthreshold: 1", "aggregation: quantile", "quantile: 0.5")).Metrics;

        Assert.Equal([0.95, 0.5], metrics.Select(m => m.Quantile!.Value));
    }

    [Theory]
    [InlineData("0", "got 0")]
    [InlineData("1", "got 1")]
    [InlineData("1.5", "got 1.5")]
    [InlineData("\"0.9\"", "got \"0.9\"")]
    [InlineData(".nan", "got .nan")]
    public void A_quantile_must_lie_strictly_between_0_and_1(string value, string got)
    {
        var yaml = Entry("name: m", "type: histogram", "upthreshold: 2", "downthreshold: 1", "aggregation: quantile", $"quantile: {value}");

        Assert.Equal($"{Metrics}[0].quantile must be a number between 0 and 1 (exclusive), {got}", Refused(yaml));
    }

    [Fact]
    public void A_quantile_without_the_quantile_aggregation_is_refused()
    {
        Assert.Equal(
            $"{Metrics}[0].quantile is only valid with aggregation: quantile",
            Refused(Entry("name: m", "type: histogram", "upthreshold: 2", "downthreshold: 1", "quantile: 0.9")));
    }

    [Fact]
    public void The_source_may_be_modelpod()
    {
        var metric = Assert.Single(Parsed(Entry("name: m", "type: gauge", "source: modelpod", "upthreshold: 10", "downthreshold: 1")).Metrics);

        Assert.Equal("modelpod", metric.Source);
    }

    [Fact]
    public void Another_source_is_refused()
    {
        Assert.Equal(
            $"{Metrics}[0].source must be \"modelpod\", got \"prometheus\"",
            Refused(Entry("name: m", "type: gauge", "source: prometheus", "upthreshold: 10", "downthreshold: 1")));
    }

    [Theory]
    [InlineData("upthreshold")]
    [InlineData("downthreshold")]
    public void Both_thresholds_are_required(string field)
    {
        var fields = new[] { "name: m", "type: gauge", "upthreshold: 10", "downthreshold: 1" }.Where(f => !f.StartsWith(field, StringComparison.Ordinal));

        Assert.Equal($"{Metrics}[0].{field} is required", Refused(Entry([.. fields])));
    }

    [Theory]
    [InlineData("upthreshold", ".inf")]
    [InlineData("upthreshold", "-.Inf")]
    [InlineData("upthreshold", ".nan")]
    [InlineData("upthreshold", "1e400")]
    [InlineData("downthreshold", "+.INF")]
    [InlineData("downthreshold", ".NaN")]
    public void Thresholds_must_be_finite(string field, string value)
    {
        var other = field == "upthreshold" ? "downthreshold: 1" : "upthreshold: 10";

        Assert.Equal($"{Metrics}[0].{field} must be a finite number, got {value}", Refused(Entry("name: m", "type: gauge", $"{field}: {value}", other)));
    }

    [Theory]
    [InlineData("\"10\"", "\"10\"")]
    [InlineData("abc", "\"abc\"")]
    [InlineData("NaN", "\"NaN\"")]
    [InlineData("true", "true")]
    [InlineData("[1]", "a list")]
    public void Thresholds_must_be_YAML_numbers(string value, string got)
    {
        Assert.Equal($"{Metrics}[0].upthreshold must be a number, got {got}", Refused(Entry("name: m", "type: gauge", $"upthreshold: {value}", "downthreshold: 1")));
    }

    [Fact]
    public void A_down_threshold_above_the_up_threshold_is_refused()
    {
        Assert.Equal(
            $"{Metrics}[0].downthreshold (20) must not exceed upthreshold (10.5)",
            Refused(Entry("name: m", "type: gauge", "upthreshold: 10.5", "downthreshold: 20")));
    }

    [Fact]
    public void Equal_and_negative_thresholds_are_allowed()
    {
        var metric = Assert.Single(Parsed(Entry("name: m", "type: gauge", "upthreshold: -2", "downthreshold: -2")).Metrics);

        Assert.Equal((-2d, -2d), (metric.UpThreshold, metric.DownThreshold));
    }

    [Fact]
    public void A_histogram_reads_its_cache_window()
    {
        var metric = Assert.Single(Parsed(Entry("name: m", "type: histogram", "upthreshold: 1", "downthreshold: 0", "metriccachewindow: 120")).Metrics);

        Assert.Equal(120, metric.CacheWindowSeconds);
    }

    [Theory]
    [InlineData("0", "must be a positive number of seconds up to 86400 (a day), got 0")]
    [InlineData("-60", "must be a positive number of seconds up to 86400 (a day), got -60")]
    [InlineData("86401", "must be a positive number of seconds up to 86400 (a day), got 86401")]
    [InlineData("1.5", "must be a whole number of seconds, got 1.5")]
    [InlineData("5m", "must be a whole number of seconds, got \"5m\"")]
    [InlineData("\"300\"", "must be a whole number of seconds, got \"300\"")]
    public void A_cache_window_must_be_positive_whole_seconds(string value, string problem)
    {
        var yaml = Entry("name: m", "type: histogram", "upthreshold: 1", "downthreshold: 0", $"metriccachewindow: {value}");

        Assert.Equal($"{Metrics}[0].metriccachewindow {problem}", Refused(yaml));
    }

    [Fact]
    public void A_cache_window_on_a_gauge_is_refused()
    {
        Assert.Equal(
            $"{Metrics}[0].metriccachewindow is only valid for histogram and counter metrics",
            Refused(Entry("name: m", "type: gauge", "upthreshold: 1", "downthreshold: 0", "metriccachewindow: 60")));
    }

    [Fact]
    public void Two_names_mapping_to_one_formula_variable_collide()
    {
        var yaml = Entry("name: a:b", "type: gauge", "upthreshold: 1", "downthreshold: 0")
            + Entry("name: a.b", "type: gauge", "upthreshold: 1", "downthreshold: 0");

        Assert.Equal($"{Metrics}[1].name \"a.b\" maps to formula variable \"a_b\", as does {Metrics}[0] (\"a:b\")", Refused(yaml));
    }

    [Theory]
    [InlineData("readiness_gate")]
    [InlineData("readiness:gate")]
    public void A_name_mapping_to_the_readiness_gate_variable_collides_with_the_gate(string name)
    {
        var message = Refused(Entry($"name: {name}", "type: gauge", "upthreshold: 1", "downthreshold: 0"));

        Assert.Equal($"{Metrics}[0].name \"{name}\" maps to formula variable \"readiness_gate\", which is reserved for the readiness gate", message);
    }

    [Fact]
    public void Field_names_match_without_regard_to_case_as_Go_decodes_them()
    {
        var metric = Assert.Single(Parsed(Entry("Name: m", "TYPE: histogram", "upThreshold: 3", "downThreshold: 2", "metricCacheWindow: 60")).Metrics);

        Assert.Equal(new CompositeMetric("m", "m", MetricKind.Histogram, "modelpod", 3, 2, 60), metric);
    }

    [Fact]
    public void A_field_given_twice_in_different_case_is_refused()
    {
        Assert.Equal($"{Metrics}[0].upthreshold is given twice", Refused(Entry("name: m", "type: gauge", "upthreshold: 3", "UpThreshold: 4", "downthreshold: 2")));
    }

    [Fact]
    public void Unknown_fields_are_ignored_as_in_the_Go_scaler()
    {
        Parsed(Entry("name: m", "type: gauge", "upthreshold: 3", "downthreshold: 2", "description: queue length"));
    }

    [Fact]
    public void The_list_may_be_written_as_JSON()
    {
        var metric = Assert.Single(Parsed("""[{"name": "m", "type": "gauge", "upthreshold": 3, "downthreshold": 2}]""").Metrics);

        Assert.Equal("m", metric.Name);
    }

    [Fact]
    public void The_first_invalid_metric_is_reported_by_its_index()
    {
        var yaml = GaugeMetric + "\n" + Entry("name: second", "type: gauge", "upthreshold: 1") + Entry("name: third");

        Assert.Equal($"{Metrics}[1].downthreshold is required", Refused(yaml));
    }
}
