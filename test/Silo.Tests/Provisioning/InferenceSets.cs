using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>InferenceSets for parser tests: auto-provisioning on, a usable replica range, plus the annotations a test is about.</summary>
internal static class InferenceSets
{
    public const string GaugeMetric = """
        - name: vllm:num_requests_waiting
          type: gauge
          upthreshold: 10
          downthreshold: 1
        """;

    /// <summary>Auto-provision on, <c>nodeCountLimit</c> 5, and the given annotations (null values are left out).</summary>
    public static InferenceSetObject With(params (string Key, string? Value)[] annotations) => With(5, annotations);

    public static InferenceSetObject With(int? nodeCountLimit, params (string Key, string? Value)[] annotations)
    {
        var map = new Dictionary<string, string> { [AutoProvisioningAnnotations.AutoProvision] = "true" };
        foreach (var (key, value) in annotations)
        {
            if (value is null)
            {
                map.Remove(key);
            }
            else
            {
                map[key] = value;
            }
        }

        return new InferenceSetObject(new ObjectKey("default", "phi-4"), "uid-1", Ready: true, Replicas: 1, ReadyReplicas: 1, nodeCountLimit, map);
    }

    /// <summary>The simple form with a threshold of 10 plus the given annotations.</summary>
    public static InferenceSetObject Simple(params (string Key, string? Value)[] annotations) =>
        With([(AutoProvisioningAnnotations.Threshold, "10"), .. annotations]);

    /// <summary>The composite form with the given metrics list plus the given annotations.</summary>
    public static InferenceSetObject Composite(string metrics, params (string Key, string? Value)[] annotations) =>
        With([(AutoProvisioningAnnotations.Metrics, metrics), .. annotations]);

    public static ProvisioningSpec Requested(InferenceSetObject set) =>
        Assert.IsType<AutoProvisioningResult.Requested>(AutoProvisioningParser.Parse(set)).Spec;

    public static AutoProvisioningResult.Invalid Invalid(InferenceSetObject set) =>
        Assert.IsType<AutoProvisioningResult.Invalid>(AutoProvisioningParser.Parse(set));
}
