using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;
using static OrleansKaitoScaler.GrpcGateway.Tests.Metadata.MetadataSamples;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

/// <summary>Which InferenceSet, metric, threshold, aggregation and window a trigger means.</summary>
public sealed class ScalerMetadataParserTests
{
    [Fact]
    public void The_four_usual_keys_are_enough_and_everything_else_takes_the_Go_scalers_defaults()
    {
        var metadata = Parsed(Minimal());

        Assert.Equal(
            new ScalerMetadata(
                PhiKey,
                "vllm:num_requests_waiting",
                10,
                new ScrapeProfile("modelpod", "http", 80, "/metrics", TimeSpan.FromSeconds(3)),
                Aggregation.Sum,
                TimeSpan.FromSeconds(300)),
            metadata);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var metadata = Parsed(new Dictionary<string, string>
        {
            ["inferenceSetName"] = "llama-3.1",
            ["inferenceSetNamespace"] = "team-a",
            ["metricName"] = "vllm:time_to_first_token_seconds",
            ["threshold"] = "0.5",
            ["metricProtocol"] = "https",
            ["metricPort"] = "8000",
            ["metricPath"] = "/v1/metrics",
            ["scrapeTimeout"] = "1m30s",
            ["metricSource"] = "modelpod",
            ["aggregation"] = "windowed-avg",
            ["metricCacheWindow"] = "120",
            ["scalerAddress"] = "keda-kaito-scaler.keda.svc.cluster.local:10450",
        });

        Assert.Equal(
            new ScalerMetadata(
                new InferenceSetKey("team-a", "llama-3.1"),
                "vllm:time_to_first_token_seconds",
                0.5,
                new ScrapeProfile("modelpod", "https", 8000, "/v1/metrics", TimeSpan.FromSeconds(90)),
                Aggregation.WindowedAverage,
                TimeSpan.FromSeconds(120)),
            metadata);
    }

    [Fact]
    public void The_scaler_address_and_unknown_keys_are_ignored()
    {
        var metadata = Minimal(
            (MetadataKeys.ScalerAddress, "not even an address"),
            ("scalerName", "keda-kaito-scaler"),
            ("somethingElse", "///"));

        Assert.Equal(Parsed(Minimal()), Parsed(metadata));
    }

    [Fact]
    public void Values_are_trimmed()
    {
        var metadata = Parsed(Minimal(
            (MetadataKeys.InferenceSetName, "  phi-4 "),
            (MetadataKeys.MetricName, " vllm:num_requests_waiting\n"),
            (MetadataKeys.MetricPort, " 8000 ")));

        Assert.Equal(PhiKey, metadata.InferenceSet);
        Assert.Equal("vllm:num_requests_waiting", metadata.MetricName);
        Assert.Equal(8000, metadata.Profile.Port);
    }

    [Fact]
    public void Missing_metadata_is_rejected_naming_the_first_required_key()
    {
        Assert.False(ScalerMetadataParser.TryParse(null, out _, out var error));
        Assert.Equal(MetadataKeys.InferenceSetName, error.Key);
    }

    [Theory]
    [InlineData(MetadataKeys.InferenceSetName, null)]
    [InlineData(MetadataKeys.InferenceSetName, "")]
    [InlineData(MetadataKeys.InferenceSetName, "   ")]
    [InlineData(MetadataKeys.InferenceSetNamespace, null)]
    [InlineData(MetadataKeys.InferenceSetNamespace, "")]
    [InlineData(MetadataKeys.MetricName, null)]
    [InlineData(MetadataKeys.MetricName, " \t")]
    public void A_required_key_that_is_missing_or_blank_is_rejected_naming_it(string key, string? value)
    {
        var error = Rejected(Minimal((key, value)));

        Assert.Equal(key, error.Key);
        Assert.Contains("is required", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MetadataKeys.InferenceSetName, "Phi_4")]
    [InlineData(MetadataKeys.InferenceSetName, "team-a/phi-4")]
    [InlineData(MetadataKeys.InferenceSetName, "-phi")]
    [InlineData(MetadataKeys.InferenceSetNamespace, "kaito.workloads")]
    [InlineData(MetadataKeys.InferenceSetNamespace, "a/b")]
    [InlineData(MetadataKeys.InferenceSetNamespace, "Default")]
    public void A_name_Kubernetes_would_not_allow_is_rejected_so_it_can_never_alias_another_InferenceSet(string key, string value)
    {
        var error = Rejected(Minimal((key, value)));

        Assert.Equal(key, error.Key);
        Assert.Contains("DNS-1123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dotted_InferenceSet_name_is_a_valid_Kubernetes_name() =>
        Assert.Equal("phi-4.v2", Parsed(Minimal((MetadataKeys.InferenceSetName, "phi-4.v2"))).InferenceSet.Name);

    [Theory]
    [InlineData(null)]
    [InlineData("sum")]
    public void Threshold_is_required_for_sum(string? aggregation)
    {
        var error = Rejected(Minimal((MetadataKeys.Threshold, null), (MetadataKeys.Aggregation, aggregation)));

        Assert.Equal(MetadataKeys.Threshold, error.Key);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
        Assert.Contains("sum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("service-avg")]
    [InlineData("windowed-avg")]
    [InlineData("gate")]
    public void Threshold_defaults_to_1_for_the_other_aggregations(string aggregation)
    {
        Assert.Equal(1, Parsed(Minimal((MetadataKeys.Threshold, null), (MetadataKeys.Aggregation, aggregation))).Threshold);
        Assert.Equal(1, Parsed(Minimal((MetadataKeys.Threshold, " "), (MetadataKeys.Aggregation, aggregation))).Threshold);
    }

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("10", 10)]
    [InlineData("+2", 2)]
    [InlineData("1e2", 100)]
    [InlineData(".25", 0.25)]
    [InlineData("1e-9", 1e-9)]
    public void Threshold_is_a_float_read_in_the_invariant_culture(string text, double expected) =>
        Assert.Equal(expected, Parsed(Minimal((MetadataKeys.Threshold, text))).Threshold);

    [Theory]
    [InlineData("sum", "ten")]
    [InlineData("sum", "1,5")]
    [InlineData("sum", "1 000")]
    [InlineData("sum", "NaN")]
    [InlineData("sum", "Infinity")]
    [InlineData("sum", "1e400")]
    [InlineData("sum", "0x10")]
    [InlineData("sum", "0")]
    [InlineData("sum", "-1")]
    [InlineData("gate", "abc")]
    [InlineData("gate", "0")]
    [InlineData("service-avg", "-0.5")]
    [InlineData("windowed-avg", "∞")]
    public void A_supplied_threshold_is_always_validated_as_a_positive_finite_number(string aggregation, string text)
    {
        var error = Rejected(Minimal((MetadataKeys.Threshold, text), (MetadataKeys.Aggregation, aggregation)));

        Assert.Equal(MetadataKeys.Threshold, error.Key);
        Assert.Contains("greater than 0", error.Message, StringComparison.Ordinal);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sum", Aggregation.Sum)]
    [InlineData("service-avg", Aggregation.ServiceAverage)]
    [InlineData("windowed-avg", Aggregation.WindowedAverage)]
    [InlineData("gate", Aggregation.Gate)]
    [InlineData("Service-Avg", Aggregation.ServiceAverage)]
    public void Aggregation_names_map_to_aggregations(string text, Aggregation expected) =>
        Assert.Equal(expected, Parsed(Minimal((MetadataKeys.Aggregation, text))).Aggregation);

    [Theory]
    [InlineData("avg")]
    [InlineData("median")]
    [InlineData("service_avg")]
    [InlineData("ServiceAverage")]
    public void An_unknown_aggregation_is_rejected_listing_the_known_ones(string text)
    {
        var error = Rejected(Minimal((MetadataKeys.Aggregation, text)));

        Assert.Equal(MetadataKeys.Aggregation, error.Key);
        Assert.Contains("sum, service-avg, windowed-avg, gate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_aggregation_is_reported_before_a_missing_threshold_it_would_have_excused()
    {
        var error = Rejected(Minimal((MetadataKeys.Threshold, null), (MetadataKeys.Aggregation, "gates")));

        Assert.Equal(MetadataKeys.Aggregation, error.Key);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("60", 60)]
    [InlineData("3600", 3600)]
    public void Metric_cache_window_is_a_whole_number_of_seconds(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Parsed(Minimal((MetadataKeys.MetricCacheWindow, text))).CacheWindow);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("5m")]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    public void A_metric_cache_window_that_is_not_a_positive_integer_is_rejected(string text)
    {
        var error = Rejected(Minimal((MetadataKeys.MetricCacheWindow, text)));

        Assert.Equal(MetadataKeys.MetricCacheWindow, error.Key);
        Assert.Contains("positive whole number of seconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MetadataKeys.MetricProtocol)]
    [InlineData(MetadataKeys.MetricPort)]
    [InlineData(MetadataKeys.MetricPath)]
    [InlineData(MetadataKeys.ScrapeTimeout)]
    [InlineData(MetadataKeys.MetricSource)]
    [InlineData(MetadataKeys.Aggregation)]
    [InlineData(MetadataKeys.MetricCacheWindow)]
    public void A_blank_optional_value_counts_as_not_given(string key)
    {
        Assert.Equal(Parsed(Minimal()), Parsed(Minimal((key, ""))));
        Assert.Equal(Parsed(Minimal()), Parsed(Minimal((key, "  "))));
    }

    [Fact]
    public void A_very_long_bad_value_is_cut_short_in_the_message()
    {
        var error = Rejected(Minimal((MetadataKeys.MetricPort, new string('9', 10_000))));

        Assert.True(error.Message.Length < 200, error.Message);
    }

    [Fact]
    public void The_query_takes_the_metadata_metric_name_unless_GetMetrics_names_another()
    {
        var metadata = Parsed(Minimal());

        Assert.Equal("vllm:num_requests_waiting", metadata.ToQuery().MetricName);
        Assert.Equal("vllm:num_requests_waiting", metadata.ToQuery("").MetricName);
        Assert.Equal("vllm:num_requests_running", metadata.ToQuery("vllm:num_requests_running").MetricName);
        Assert.Equal(
            new MetricQuery(metadata.Profile, "vllm:num_requests_running", Aggregation.Sum, 10, TimeSpan.FromSeconds(300)),
            metadata.ToQuery("vllm:num_requests_running"));
    }
}
