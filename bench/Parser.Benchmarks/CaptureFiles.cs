namespace OrleansKaitoScaler.Parser.Benchmarks;

/// <summary>The vLLM captures in <c>shared/fixtures/vllm-metrics/</c> (found above the working directory, or via <c>OKS_FIXTURES</c>).</summary>
internal static class CaptureFiles
{
    /// <summary>The three largest v1-engine captures (45–75 KB), what a scrape of a current vLLM returns.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "hardware-aware-router_qwen2.5-3b_v1-engine_after-24-requests.txt",
        "nvidia-vllm-25.09_qwen3-4b-fp8_v1-engine.txt",
        "lmswitch_deepseek-v4-flash_v1-engine_newest.txt",
    ];

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder(), name));

    /// <summary>The size of a capture in bytes (for the throughput column).</summary>
    public static long Size(string name) => new FileInfo(Path.Combine(Folder(), name)).Length;

    private static string Folder()
    {
        if (Environment.GetEnvironmentVariable("OKS_FIXTURES") is { Length: > 0 } fixtures)
        {
            return Path.Combine(fixtures, "vllm-metrics");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "vllm-metrics");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("shared/fixtures/vllm-metrics not found; run from the checkout or set OKS_FIXTURES");
    }
}
