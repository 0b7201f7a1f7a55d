using OrleansKaitoScaler.Abstractions.Metadata;

namespace OrleansKaitoScaler.Fuzz.Tests.Metadata;

/// <summary>
/// Trigger metadata maps as a ScaledObject author (or a bad template) could write them: valid keys with valid,
/// borderline and garbage values, unknown keys, the keys in another case beside the real ones, empty maps, huge and
/// unicode values.
/// </summary>
internal static class MetadataGenerator
{
    public static readonly string[] Keys =
    [
        MetadataKeys.InferenceSetName, MetadataKeys.InferenceSetNamespace, MetadataKeys.MetricName, MetadataKeys.Threshold,
        MetadataKeys.MetricProtocol, MetadataKeys.MetricPort, MetadataKeys.MetricPath, MetadataKeys.ScrapeTimeout,
        MetadataKeys.MetricSource, MetadataKeys.Aggregation, MetadataKeys.MetricCacheWindow, MetadataKeys.Quantile,
        MetadataKeys.ScalerAddress,
    ];

    /// <summary>Values valid for each key, so generated maps often get past the first keys to the later ones.</summary>
    private static readonly Dictionary<string, string[]> s_valid = new()
    {
        [MetadataKeys.InferenceSetName] = ["phi-4", "a", "llama-3.1.8b", new string('a', 253)],
        [MetadataKeys.InferenceSetNamespace] = ["default", "kaito-workloads", new string('n', 63)],
        [MetadataKeys.MetricName] = ["vllm:num_requests_waiting", "x", "vllm:e2e_request_latency_seconds"],
        [MetadataKeys.Threshold] = ["10", "0.5", "1e3", " 7 ", "4.9e-324", "1.7976931348623157e308"],
        [MetadataKeys.MetricProtocol] = ["http", "https", "HTTPS"],
        [MetadataKeys.MetricPort] = ["80", "1", "65535", "5000"],
        [MetadataKeys.MetricPath] = ["/metrics", "/", "/a/b?c=d"],
        [MetadataKeys.ScrapeTimeout] = ["3s", "500ms", "1m30s", "100ns", "5m", "0.5s", "+1s", "1h0m0s", "299.999999999s"],
        [MetadataKeys.MetricSource] = ["modelpod", "ModelPod"],
        [MetadataKeys.Aggregation] = ["sum", "service-avg", "windowed-avg", "gate", "rate", "max", "quantile", "Service-Avg"],
        [MetadataKeys.MetricCacheWindow] = ["300", "1", "86400", "60"],
        [MetadataKeys.Quantile] = ["0.95", "0.5", ".99", "0.000001"],
        [MetadataKeys.ScalerAddress] = ["keda-kaito-scaler.keda.svc.cluster.local:10450"],
    };

    private static readonly string[] s_garbage =
    [
        "", " ", "\t\n", "\0", "NaN", "-NaN", "Infinity", "-Infinity", "∞", "1e309", "-1e309", "0", "-0", "-1", "+5", "0x10", "1_000",
        "1,5", "1.5.5", "٣", "１２", "\ud800", "\udc00x", "a\u0000b", "9999999999999999999999", "2147483648", "-2147483649",
        "65536", "86401", "3", "3S", "-3s", "1.5h", "5µs", "5μs", "µs", ".s", "1..5s", "9223372036854775807ns", "9223372036854775808ns",
        "2562047h47m16.854775807s", "2562048h", "1h-1s", "1e3s", "1 s", "0.0000000000000000000001ns", "1.00000000000000000000000000001s",
        "metrics", "/met rics", "/\u0085", "HTTP/2", "grpc", "prometheus", "median", "Sum ", "UPPER", "-phi", "phi.", "a..b", "a/b",
        "\u202Ephi", "phi\u200B", "😀", "true", "null", "{}", "[]", "'10'", "\"10\"", "0.95e0", "1.0", "0.", "1",
    ];

    public static Dictionary<string, string> Generate(Random random)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (random.Next(5))
        {
            case 0:
                // Empty: every required key missing.
                break;
            case 1:
            case 2:
                foreach (var key in Keys.Take(4))
                {
                    map[key] = Pick(random, s_valid[key]);
                }

                break;
            default:
                foreach (var key in Keys.Where(_ => random.Next(2) == 0))
                {
                    map[key] = Value(random, key);
                }

                break;
        }

        for (var change = random.Next(6); change > 0; change--)
        {
            var key = Pick(random, Keys);
            switch (random.Next(6))
            {
                case 0:
                    map.Remove(key);
                    break;
                case 1:
                    // The same key in another case beside it: KEDA passes keys as written, and only the exact one counts.
                    map[random.Next(2) == 0 ? key.ToUpperInvariant() : key.ToLowerInvariant()] = Value(random, key);
                    break;
                case 2:
                    map[Garbage(random)] = Garbage(random);
                    break;
                case 3:
                    map[key] = new string(Pick(random, s_garbage).FirstOrDefault('x'), random.Next(1, 200_000));
                    break;
                default:
                    map[key] = Value(random, key);
                    break;
            }
        }

        return map;
    }

    /// <summary>A key no parser reads: unknown names, other cases of real keys, unicode, empty.</summary>
    public static string UnknownKey(Random random)
    {
        var key = random.Next(3) switch
        {
            0 => Pick(random, Keys).ToUpperInvariant(),
            1 => Pick(random, Keys) + " ",
            _ => Garbage(random),
        };
        return Keys.Contains(key, StringComparer.Ordinal) ? key + "_unknown" : key;
    }

    private static string Value(Random random, string key) => random.Next(3) switch
    {
        0 => Pick(random, s_valid[key]),
        1 => Pick(random, s_garbage),
        _ => Pick(random, s_valid[key]) + Pick(random, s_garbage),
    };

    private static string Garbage(Random random)
    {
        var chars = new char[random.Next(12)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0x20, 0x7F),
                1 => (char)random.Next(0, 0x20),
                2 => (char)random.Next(0xD800, 0xE000),
                _ => (char)random.Next(0x80, 0x10000),
            };
        }

        return new string(chars);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
