using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Fuzz.Tests.Harness;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Fuzz.Tests.Metadata;

/// <summary>
/// Property: any trigger metadata parses to a valid <see cref="ScalerMetadata"/> or to a <see cref="MetadataError"/>
/// naming a key the trigger has (or must have) — which the gateway answers with <c>InvalidArgument</c> — and never
/// throws, which would reach KEDA as <c>Unknown</c>/<c>Internal</c> and read as a scaler bug.
/// </summary>
public sealed class TriggerMetadataFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] s_required =
        [MetadataKeys.InferenceSetName, MetadataKeys.InferenceSetNamespace, MetadataKeys.MetricName, MetadataKeys.Threshold];

    [Fact]
    public void Any_metadata_parses_to_a_value_or_an_error_naming_the_offending_key()
    {
        var parsed = 0;
        FuzzRun.Check(output, "trigger metadata maps", 20_000, MetadataGenerator.Generate, metadata =>
        {
            if (ScalerMetadataParser.TryParse(metadata, out var result, out var error))
            {
                Assert.Null(error);
                AssertValid(result);
                parsed++;
                return;
            }

            Assert.Null(result);
            Assert.Contains(error.Key, MetadataGenerator.Keys);
            Assert.True(metadata.ContainsKey(error.Key) || s_required.Contains(error.Key), $"{error} names a key the trigger does not have and need not");
            Assert.Contains($"'{error.Key}'", error.ToString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            // Values are quoted cut short: a pasted blob must not become a megabyte gRPC status.
            Assert.True(error.Message.Length < 1_000, $"a {error.Message.Length}-character message");
        });

        output.WriteLine($"{parsed} of them valid");
        Assert.True(parsed > 100, "the generator must reach valid metadata too, or only the first keys are checked");
    }

    [Fact]
    public void Keys_the_scaler_does_not_read_never_change_the_outcome()
    {
        FuzzRun.Check(
            output,
            "trigger metadata with unknown keys added",
            5_000,
            random =>
            {
                var metadata = MetadataGenerator.Generate(random);
                var extended = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
                for (var extra = 1 + random.Next(3); extra > 0; extra--)
                {
                    extended.TryAdd(MetadataGenerator.UnknownKey(random), "garbage \ud800");
                }

                return (metadata, extended);
            },
            pair =>
            {
                var plainOk = ScalerMetadataParser.TryParse(pair.metadata, out var plain, out var plainError);
                var extendedOk = ScalerMetadataParser.TryParse(pair.extended, out var extended, out var extendedError);
                Assert.Equal(plainOk, extendedOk);
                Assert.Equal(plain, extended);
                Assert.Equal(plainError, extendedError);
            },
            pair => FuzzRun.Show(pair.extended));
    }

    private static void AssertValid(ScalerMetadata metadata)
    {
        Assert.False(string.IsNullOrWhiteSpace(metadata.InferenceSet.Name));
        Assert.False(string.IsNullOrWhiteSpace(metadata.InferenceSet.Namespace));
        Assert.False(string.IsNullOrWhiteSpace(metadata.MetricName));
        Assert.True(double.IsFinite(metadata.Threshold) && metadata.Threshold > 0, $"threshold {metadata.Threshold}");
        Assert.Contains(metadata.Profile.Protocol, new[] { "http", "https" });
        Assert.InRange(metadata.Profile.Port, 1, 65535);
        Assert.StartsWith("/", metadata.Profile.Path, StringComparison.Ordinal);
        Assert.InRange(metadata.Profile.Timeout, TimeSpan.FromTicks(1), ScalerMetadataParser.MaxScrapeTimeout);
        Assert.Contains(metadata.Profile.Source, MetricSources.Known);
        Assert.InRange(metadata.CacheWindow, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(ScalerMetadataParser.MaxCacheWindowSeconds));
        Assert.True(metadata.Quantile is > 0 and < 1, $"quantile {metadata.Quantile}");
        Assert.True(Enum.IsDefined(metadata.Aggregation));
        // What the grain key is built from must round-trip: a '/' in a name would make one InferenceSet read as another.
        Assert.DoesNotContain('/', metadata.InferenceSet.Name);
        Assert.DoesNotContain('/', metadata.InferenceSet.Namespace);
        Assert.Equal(metadata.InferenceSet, InferenceSetKey.Parse(metadata.InferenceSet.ToString()));
        _ = metadata.ToQuery("s0-override");
    }
}
