using System.Globalization;
using System.Text;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Fuzz.Tests.Exposition;

/// <summary>Canonical text of an <see cref="ExpositionResult"/>, so two parses compare with one string equality (NaN equals NaN).</summary>
internal static class ParseOutcome
{
    public static string Describe(ExpositionResult result)
    {
        if (result.Error is { } error)
        {
            return "error " + error;
        }

        var builder = new StringBuilder();
        foreach (var (name, family) in result.Families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            builder.Append(name).Append(" = ").Append(Number(family.Value));
            if (family.Histogram is { } histogram)
            {
                builder.Append(" sum ").Append(Number(histogram.Sum)).Append(" count ").Append(Number(histogram.Count)).Append(" buckets");
                foreach (var bucket in histogram.Buckets)
                {
                    builder.Append(' ').Append(Number(bucket.UpperBound)).Append(':').Append(Number(bucket.Count));
                }
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The family selections each input is parsed with: all (full validation), vLLM's usual families, and names taken from the body.</summary>
    public static IReadOnlyList<FamilySelection> SelectionsFor(ReadOnlySpan<byte> body, Random random)
    {
        var fromBody = new List<string>();
        var text = Encoding.UTF8.GetString(body);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').OrderBy(_ => random.Next()).Take(3))
        {
            var end = line.IndexOfAny([' ', '{', '\t']);
            var name = end < 0 ? line : line[..end];
            fromBody.Add(name);
            // The family a suffixed sample belongs to, so histogram and counter suffixes are resolved too.
            foreach (var suffix in new[] { "_bucket", "_sum", "_count", "_total", "_created", "_info", "_gsum", "_gcount" })
            {
                if (name.EndsWith(suffix, StringComparison.Ordinal))
                {
                    fromBody.Add(name[..^suffix.Length]);
                }
            }
        }

        return [FamilySelection.All, FamilySelection.Of(VllmFamilies), FamilySelection.Of(fromBody)];
    }

    /// <summary>The families scaler triggers ask vLLM for.</summary>
    public static readonly string[] VllmFamilies =
    [
        "vllm:num_requests_waiting", "vllm:num_requests_running", "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc",
        "vllm:e2e_request_latency_seconds", "vllm:time_to_first_token_seconds", "vllm:prompt_tokens", "vllm:generation_tokens_total",
        "vllm:request_success",
    ];
}
