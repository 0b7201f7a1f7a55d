using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Fuzz.Tests.Harness;

/// <summary>
/// Runs a property over generated inputs: a fixed seed and iteration count, so a CI run is repeatable and bounded.
/// Every iteration has its own <see cref="Random"/> derived from (seed, iteration), so a failure is replayed from the
/// two numbers its message prints. <c>OKS_FUZZ_ITERATIONS</c> multiplies the count to search longer locally, and
/// <c>OKS_FUZZ_SEED</c> picks another seed.
/// </summary>
internal static class FuzzRun
{
    /// <summary>The seed CI uses; any other seed is as good, this one is just fixed.</summary>
    public const int DefaultSeed = 20_261_123;

    public static int Seed { get; } = ReadInt("OKS_FUZZ_SEED", DefaultSeed);

    /// <summary>How many times the CI count to run (1 in CI).</summary>
    public static int Multiplier { get; } = Math.Max(1, ReadInt("OKS_FUZZ_ITERATIONS", 1));

    /// <summary>
    /// Checks <paramref name="property"/> on <paramref name="iterations"/> (times the multiplier) inputs from
    /// <paramref name="generate"/>; a property fails by throwing. Returns how many inputs were tried.
    /// </summary>
    public static int Check<T>(ITestOutputHelper output, string name, int iterations, Func<Random, T> generate, Action<T> property, Func<T, string>? show = null)
    {
        var total = iterations * Multiplier;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var input = generate(RandomFor(i));
            try
            {
                property(input);
            }
            catch (Exception e)
            {
                throw new FuzzFailure(
                    FormattableString.Invariant($"property '{name}' failed at iteration {i} of seed {Seed} (replay: OKS_FUZZ_SEED={Seed}, RandomFor({i}))")
                    + Environment.NewLine + "input: " + (show ?? Show)(input),
                    e);
            }
        }

        Report(output, name, total, stopwatch.Elapsed);
        return total;
    }

    /// <summary>The generator of iteration <paramref name="iteration"/>: the same for the same seed on every machine.</summary>
    /// <remarks>A fixed arithmetic mix, not <see cref="HashCode"/>, whose results change from one process to the next.</remarks>
    public static Random RandomFor(int iteration) => new(unchecked((Seed * 486_187_739) + (iteration * 16_777_619)));

    /// <summary>Writes the figures of a run, which docs/reliability.md quotes, to the test's output.</summary>
    public static void Report(ITestOutputHelper output, string name, long inputs, TimeSpan elapsed) =>
        output.WriteLine(FormattableString.Invariant($"[fuzz] {name}: {inputs} inputs in {elapsed.TotalMilliseconds:0} ms (seed {Seed})"));

    /// <summary>A readable, bounded rendering of an input: text with control characters escaped, cut at 2,000 characters.</summary>
    public static string Show<T>(T input) => input switch
    {
        byte[] bytes => Escape(System.Text.Encoding.UTF8.GetString(bytes)) + FormattableString.Invariant($" ({bytes.Length} bytes, base64 {Cut(Convert.ToBase64String(bytes))})"),
        string text => Escape(text),
        IEnumerable<KeyValuePair<string, string>> map => "{" + string.Join(", ", map.Select(p => $"\"{Escape(p.Key)}\": \"{Escape(p.Value)}\"")) + "}",
        _ => Escape(input?.ToString() ?? "null"),
    };

    public static string Escape(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) || char.IsSurrogate(c) => FormattableString.Invariant($"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return Cut(builder.ToString());
    }

    private static string Cut(string text) => text.Length <= 2_000 ? text : text[..2_000] + "…";

    private static int ReadInt(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>A property that failed on a generated input; the message says how to replay it.</summary>
internal sealed class FuzzFailure(string message, Exception inner) : Exception(message, inner);
