using System.Text;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Grains.Tests.Exposition;

/// <summary>Reads real vLLM (and SGLang) <c>/metrics</c> captures from <c>shared/fixtures/vllm-metrics/</c>.</summary>
public sealed class VllmCaptureTests
{
    private const string Waiting = "vllm:num_requests_waiting";
    private const string Ttft = "vllm:time_to_first_token_seconds";
    private const string Running = "vllm:num_requests_running";
    private static readonly FamilySelection s_twoFamilies = FamilySelection.Of([Waiting, Ttft]);

    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Fixtures.Path("vllm-metrics"), "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Fixtures.Path("vllm-metrics"), file));
        }

        return data;
    }

    private static ExpositionResult Parse(string capture, FamilySelection selection) =>
        ExpositionParser.Parse(Fixtures.Bytes("vllm-metrics", capture), ExpositionFormat.PrometheusText, selection);

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_capture_parses_whole_and_selectively_with_the_same_numbers(string capture)
    {
        var all = Parse(capture, FamilySelection.All);
        var selected = Parse(capture, s_twoFamilies);

        Assert.True(all.Succeeded, all.Error?.ToString());
        Assert.True(selected.Succeeded, selected.Error?.ToString());
        foreach (var (name, value) in selected.Families)
        {
            Assert.Equal(all.Families[name].Value, value.Value);
            Assert.Equal(all.Families[name].Histogram?.Count, value.Histogram?.Count);
            Assert.Equal(all.Families[name].Histogram?.Sum, value.Histogram?.Sum);
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void A_selection_without_buckets_keeps_a_histograms_sum_and_count_and_drops_its_buckets(string capture)
    {
        var whole = Parse(capture, s_twoFamilies);
        var lean = Parse(capture, FamilySelection.Of([Waiting, Ttft], withBuckets: []));
        var ttftOnly = Parse(capture, FamilySelection.Of([Waiting, Ttft], withBuckets: [Ttft]));

        Assert.True(lean.Succeeded, lean.Error?.ToString());
        Assert.Equal(whole.Families.Keys.Order(StringComparer.Ordinal), lean.Families.Keys.Order(StringComparer.Ordinal));
        if (whole.Families.TryGetValue(Ttft, out var full))
        {
            Assert.NotNull(full.Histogram);
            Assert.NotEmpty(full.Histogram.Buckets);
            var histogram = lean.Families[Ttft].Histogram;
            Assert.NotNull(histogram);
            Assert.Equal(full.Histogram.Sum, histogram.Sum);
            Assert.Equal(full.Histogram.Count, histogram.Count);
            Assert.Empty(histogram.Buckets);
            Assert.Equal(full.Histogram.Buckets, ttftOnly.Families[Ttft].Histogram!.Buckets);
        }

        if (whole.Families.TryGetValue(Waiting, out var waiting))
        {
            Assert.Equal(waiting, lean.Families[Waiting]);
        }
    }

    /// <summary>Per capture, numbers read off the file by hand: waiting, running, and the TTFT histogram.</summary>
    [Theory]
    [InlineData("datadog-fixture_opt-125m_mixed-v0-v1.txt", 0, 0, 1, 0.31326723098754883, 17)]
    [InlineData("hardware-aware-router_qwen1.5-0.5b_v1-engine.txt", 0, 0, 0, 0, 23)]
    [InlineData("hardware-aware-router_qwen2.5-3b_v1-engine_after-24-requests.txt", 0, 0, 24, 0.7464299201965332, 23)]
    [InlineData("kubeai-mock_llama-3.1-8b-fp8_v0-engine.txt", 5, 3, 9, 0.5106480121612549, 17)]
    [InlineData("lmswitch_deepseek-v4-flash_v1-engine_newest.txt", 0, 0, 26, 417.90156173706055, 23)]
    [InlineData("nvidia-vllm-25.09_qwen3-4b-fp8_v1-engine.txt", 0, 0, 6, 0.24629998207092285, 23)]
    public void Reads_the_scaler_families_of_each_capture(string capture, double waiting, double running, double ttftCount, double ttftSum, int buckets)
    {
        var result = Parse(capture, FamilySelection.Of([Waiting, Running, Ttft]));

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(waiting, result.Families[Waiting].Value);
        Assert.Equal(running, result.Families[Running].Value);
        var ttft = result.Families[Ttft].Histogram!;
        Assert.Equal(ttftCount, ttft.Count);
        Assert.Equal(ttftSum, ttft.Sum, 12);
        Assert.Equal(buckets, ttft.Buckets.Count);
        Assert.Equal(new HistogramBucket(double.PositiveInfinity, ttftCount), ttft.Buckets[^1]);
        Assert.Equal(ttft.Buckets.OrderBy(b => b.UpperBound), ttft.Buckets);
        Assert.True(ttft.Buckets.Zip(ttft.Buckets.Skip(1)).All(p => p.First.Count <= p.Second.Count), "buckets are not cumulative");
    }

    [Fact]
    public void Reads_a_snippet_that_ends_in_the_middle_of_a_histogram()
    {
        // The aibrix docs cut the capture after a bucket: no +Inf, _count or _sum. Text 0.0.4 does not require them.
        const string iterationTokens = "vllm:iteration_tokens_total";
        var result = Parse("aibrix-docs_qwen2.5-coder-1.5b_v0-engine_snippet.txt", FamilySelection.Of([Waiting, "vllm:gpu_cache_usage_perc", iterationTokens, Ttft]));

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(0, result.Families[Waiting].Value);
        Assert.Equal(0, result.Families["vllm:gpu_cache_usage_perc"].Value);
        Assert.Equal(new HistogramBucket(96, 998), result.Families[iterationTokens].Histogram!.Buckets[^1]);
        Assert.Equal(0, result.Families[iterationTokens].Histogram!.Count);
        Assert.False(result.Families.ContainsKey(Ttft));
    }

    [Fact]
    public void Sums_a_counter_across_its_finished_reason_series()
    {
        // stop 26, length/abort/error/repetition 0.
        var result = Parse("lmswitch_deepseek-v4-flash_v1-engine_newest.txt", FamilySelection.Of(["vllm:request_success_total", "vllm:generation_tokens_total"]));

        Assert.Equal(26, result.Families["vllm:request_success_total"].Value);
        Assert.Equal(44995, result.Families["vllm:generation_tokens_total"].Value);
    }

    [Fact]
    public void Reads_the_histogram_of_a_v1_engine_after_24_requests()
    {
        var result = Parse("hardware-aware-router_qwen2.5-3b_v1-engine_after-24-requests.txt", s_twoFamilies);

        var ttft = result.Families[Ttft].Histogram!;
        Assert.Equal(24, ttft.Count);
        Assert.Equal(0.7464299201965332, ttft.Sum, 12);
        Assert.Contains(new HistogramBucket(0.04, 23), ttft.Buckets);
        Assert.Contains(new HistogramBucket(0.06, 24), ttft.Buckets);
        Assert.Equal(double.PositiveInfinity, ttft.Buckets[^1].UpperBound);
        Assert.Equal(24, ttft.Buckets[^1].Count);
        Assert.Equal(ttft.Buckets.OrderBy(b => b.UpperBound), ttft.Buckets);
        Assert.Equal(0, result.Families[Waiting].Value);
    }

    [Fact]
    public void Sums_a_gauge_across_its_label_sets()
    {
        // The kubeai mock serves two models from one endpoint: 2 + 3 waiting.
        var result = Parse("kubeai-mock_llama-3.1-8b-fp8_v0-engine.txt", s_twoFamilies);

        Assert.Equal(5, result.Families[Waiting].Value);
        Assert.Equal(9, result.Families[Ttft].Histogram!.Count);
    }

    [Fact]
    public void Sums_a_gauge_across_engine_series_of_a_data_parallel_server()
    {
        // vLLM data-parallel exposes one series per engine; make engine 1 from the capture's engine 0.
        var capture = Fixtures.Text("vllm-metrics", "hardware-aware-router_qwen2.5-3b_v1-engine_after-24-requests.txt");
        var twoEngines = new StringBuilder();
        foreach (var line in capture.Split('\n'))
        {
            twoEngines.Append(line).Append('\n');
            if (line.StartsWith("vllm:", StringComparison.Ordinal) && line.Contains("engine=\"0\"", StringComparison.Ordinal))
            {
                var engine1 = line.Replace("engine=\"0\"", "engine=\"1\"", StringComparison.Ordinal);
                if (line.StartsWith(Waiting + "{", StringComparison.Ordinal))
                {
                    engine1 = engine1[..engine1.LastIndexOf(' ')] + " 7.0";
                }

                twoEngines.Append(engine1).Append('\n');
            }
        }

        var result = ExpositionParser.Parse(Encoding.UTF8.GetBytes(twoEngines.ToString()), ExpositionFormat.PrometheusText, s_twoFamilies);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(7, result.Families[Waiting].Value);
        Assert.Equal(48, result.Families[Ttft].Histogram!.Count);
        Assert.Equal(2 * 0.7464299201965332, result.Families[Ttft].Histogram!.Sum, 12);
        Assert.Contains(new HistogramBucket(0.04, 46), result.Families[Ttft].Histogram!.Buckets);
    }

    [Fact]
    public void Reads_a_capture_without_a_final_newline()
    {
        var bytes = Fixtures.Bytes("vllm-metrics", "nvidia-vllm-25.09_qwen3-4b-fp8_v1-engine.txt");

        var result = ExpositionParser.Parse(bytes, ExpositionFormat.PrometheusText, FamilySelection.Of(["vllm:generation_tokens_total", Ttft]));

        Assert.NotEqual((byte)'\n', bytes[^1]);
        Assert.Equal(1739, result.Families["vllm:generation_tokens_total"].Value);
        Assert.Equal(6, result.Families[Ttft].Histogram!.Count);
    }

    [Fact]
    public void A_family_whose_name_prefixes_another_is_not_mixed_with_it()
    {
        // vllm:num_requests_waiting_by_reason must not leak into vllm:num_requests_waiting.
        var result = Parse("lmswitch_deepseek-v4-flash_v1-engine_newest.txt", FamilySelection.Of([Waiting, "vllm:num_requests_waiting_by_reason"]));

        Assert.Equal(0, result.Families[Waiting].Value);
        Assert.Null(result.Families[Waiting].Histogram);
        Assert.Equal(26, Parse("lmswitch_deepseek-v4-flash_v1-engine_newest.txt", s_twoFamilies).Families[Ttft].Histogram!.Count);
    }

    [Fact]
    public void Returns_only_the_requested_families()
    {
        var result = Parse("datadog-fixture_opt-125m_mixed-v0-v1.txt", FamilySelection.Of([Waiting, "vllm:absent_family"]));

        Assert.Equal([Waiting], result.Families.Keys);
    }

    [Fact]
    public void Reads_sglang_families_whose_sum_comes_before_the_buckets()
    {
        var result = Parse(
            "other-servers/sglang-docs_llama-3.1-8b_production-metrics-example.txt",
            FamilySelection.Of(["sglang:num_queue_reqs", "sglang:time_to_first_token_seconds"]));

        Assert.Equal(2826, result.Families["sglang:num_queue_reqs"].Value);
        var ttft = result.Families["sglang:time_to_first_token_seconds"].Histogram!;
        Assert.Equal(11008, ttft.Count);
        Assert.Equal(2.3518979474117756e+06, ttft.Sum);
        Assert.Equal(21, ttft.Buckets.Count);
        Assert.Contains(new HistogramBucket(1.0, 27), ttft.Buckets);
    }
}
