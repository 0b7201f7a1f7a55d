using System.Globalization;
using System.Text;
using OrleansKaitoScaler.Grains.Scraping.Exposition;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Grains.Tests.Exposition;

/// <summary>
/// A scrape asks for one or two families out of hundreds: the lines of the others must cost no allocation,
/// so the bytes a parse allocates cannot grow with the number of skipped lines.
/// </summary>
public sealed class SkippedLineAllocationTests
{
    private static readonly FamilySelection s_wanted = FamilySelection.Of(["wanted", "wanted_seconds"]);

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText)]
    [InlineData(ExpositionFormat.OpenMetrics)]
    public void Allocation_does_not_grow_with_the_families_that_are_skipped(ExpositionFormat format)
    {
        var few = Body(format, otherFamilies: 10);
        var many = Body(format, otherFamilies: 2_000);

        var fewBytes = AllocatedBytes(few, format);
        var manyBytes = AllocatedBytes(many, format);

        // 2,000 more families are 8,000 more lines: even one byte per line would show.
        Assert.InRange(manyBytes - fewBytes, -256, 256);
        Assert.Equal(3, ExpositionParser.Parse(many, format, s_wanted).Families["wanted"].Value);
    }

    [Fact]
    public void Allocation_for_a_real_capture_does_not_depend_on_its_size()
    {
        // The lmswitch capture is 60% larger than the nvidia one; both expose the same two families once.
        var small = AllocatedBytes(Fixtures.Bytes("vllm-metrics", "nvidia-vllm-25.09_qwen3-4b-fp8_v1-engine.txt"), ExpositionFormat.PrometheusText);
        var large = AllocatedBytes(Fixtures.Bytes("vllm-metrics", "lmswitch_deepseek-v4-flash_v1-engine_newest.txt"), ExpositionFormat.PrometheusText);

        Assert.InRange(large - small, -256, 256);
    }

    private static long AllocatedBytes(byte[] body, ExpositionFormat format)
    {
        var warmUp = ExpositionParser.Parse(body, format, s_wanted);
        Assert.True(warmUp.Succeeded, warmUp.Error?.ToString());
        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = ExpositionParser.Parse(body, format, s_wanted);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// The requested gauge and histogram among other gauges, histograms and a family whose name starts with the
    /// requested one (the costliest kind to skip), shaped like a vLLM body.
    /// </summary>
    private static byte[] Body(ExpositionFormat format, int otherFamilies)
    {
        var openMetrics = format == ExpositionFormat.OpenMetrics;
        var text = new StringBuilder();
        text.Append("# HELP wanted Requests waiting.\n# TYPE wanted gauge\n")
            .Append("wanted{engine=\"0\",model_name=\"m\"} 1.0\nwanted{engine=\"1\",model_name=\"m\"} 2.0\n")
            .Append("# TYPE wanted_seconds histogram\n")
            .Append("wanted_seconds_bucket{engine=\"0\",le=\"0.5\"} 1.0\nwanted_seconds_bucket{engine=\"0\",le=\"+Inf\"} 2.0\n")
            .Append("wanted_seconds_count{engine=\"0\"} 2.0\nwanted_seconds_sum{engine=\"0\"} 0.75\n");
        for (var i = 0; i < otherFamilies; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{(i % 3 == 0 ? "wanted_by_reason" : "vllm:other")}_{i}");
            text.Append("# HELP ").Append(name).Append(" Something else.\n")
                .Append("# TYPE ").Append(name).Append(" gauge\n")
                .Append(name).Append("{engine=\"0\",model_name=\"m\",reason=\"x\"} ").Append(i.ToString(CultureInfo.InvariantCulture)).Append(".5\n")
                .Append(name).Append("{engine=\"1\",model_name=\"m\",reason=\"x\"} 1.0e+06\n");
        }

        if (openMetrics)
        {
            text.Append("# EOF\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
