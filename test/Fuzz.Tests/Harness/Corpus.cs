using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fuzz.Tests.Harness;

/// <summary>Real bodies to mutate: the vLLM (and other servers') captures and every conformance case, read from the shared fixtures.</summary>
internal static class Corpus
{
    private static readonly Lazy<IReadOnlyList<(string Name, byte[] Body)>> s_all = new(Load);

    /// <summary>Every capture and conformance input, by file name.</summary>
    public static IReadOnlyList<(string Name, byte[] Body)> All => s_all.Value;

    /// <summary>The vLLM captures only (what the scaler meets in production).</summary>
    public static IReadOnlyList<(string Name, byte[] Body)> VllmCaptures =>
        All.Where(c => c.Name.StartsWith("vllm-metrics/", StringComparison.Ordinal)).ToArray();

    public static byte[] Get(string name) => All.Single(c => c.Name == name).Body;

    private static List<(string Name, byte[] Body)> Load()
    {
        var root = Fixtures.Root;
        var files = Directory.GetFiles(Fixtures.Path("vllm-metrics"), "*.txt", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Fixtures.Path("exposition-conformance"), "*.txt", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(Fixtures.Path("exposition-conformance", "prometheus-common-expfmt")))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var corpus = files.Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes(f))).ToList();
        if (corpus.Count < 200)
        {
            // A moved fixtures folder must fail loudly, not fuzz an empty corpus.
            throw new InvalidOperationException($"expected the captures and 211 conformance cases under {root}, found {corpus.Count} files");
        }

        return corpus;
    }
}
