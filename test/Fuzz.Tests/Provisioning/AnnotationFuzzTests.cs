using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Metadata;
using OrleansKaitoScaler.Fuzz.Tests.Harness;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Fuzz.Tests.Provisioning;

/// <summary>
/// Property: whatever an InferenceSet's <c>scaledobject.kaito.sh/*</c> annotations say, the provisioner gets a
/// decision — nothing to do, a Warning Event's reason and message, or a ScaledObject to write — and no exception,
/// which would stall the reconcile queue on that InferenceSet. A ScaledObject it writes has triggers our own scaler
/// accepts: otherwise KEDA would get <c>InvalidArgument</c> for an object we made.
/// </summary>
public sealed class AnnotationFuzzTests(ITestOutputHelper output)
{
    private static readonly ScaledObjectRenderer s_renderer = new(Options.Create(new ProvisioningOptions { ScalerNamespace = "keda" }));

    [Fact]
    public void Any_annotations_give_no_request_a_warning_or_a_ScaledObject_our_scaler_accepts()
    {
        var outcomes = new Dictionary<string, int>();
        FuzzRun.Check(
            output,
            "InferenceSet annotation maps",
            6_000,
            random => new InferenceSetObject(
                new ObjectKey("kaito-workloads", "phi-4"), "uid-1", Ready: true, Replicas: 1, ReadyReplicas: 1,
                AnnotationGenerator.NodeCountLimit(random), AnnotationGenerator.Generate(random)),
            inferenceSet =>
            {
                var result = AutoProvisioningParser.Parse(inferenceSet);
                var outcome = result switch
                {
                    AutoProvisioningResult.NotRequested => "not requested",
                    AutoProvisioningResult.Invalid invalid => AssertWarning(invalid),
                    AutoProvisioningResult.Requested requested => AssertRenders(requested.Spec),
                    _ => throw new InvalidOperationException($"unknown result {result}"),
                };
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            },
            inferenceSet => FuzzRun.Show(inferenceSet.Annotations) + $" nodeCountLimit {inferenceSet.NodeCountLimit}");

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}")));
        Assert.True(outcomes.Count == 5, "the generator must reach every outcome: not requested, both warnings, and both forms of ScaledObject");
    }

    private static string AssertWarning(AutoProvisioningResult.Invalid invalid)
    {
        Assert.Contains(invalid.Reason, new[] { ProvisioningEventReasons.InvalidReplicaRange, ProvisioningEventReasons.InvalidConfig });
        // The Event must tell the author which annotation (or spec field) to fix.
        Assert.True(
            invalid.Message.Contains(AutoProvisioningAnnotations.Prefix, StringComparison.Ordinal) || invalid.Message.Contains("spec.nodeCountLimit", StringComparison.Ordinal),
            $"the message names no annotation: {invalid.Message}");
        return invalid.Reason;
    }

    private static string AssertRenders(ProvisioningSpec spec)
    {
        Assert.InRange(spec.MinReplicas, 1, spec.MaxReplicas);
        var scaledObject = s_renderer.Render(spec);
        var triggers = scaledObject["spec"]!["triggers"]!.AsArray();
        Assert.NotEmpty(triggers);
        foreach (var trigger in triggers)
        {
            var metadata = trigger!["metadata"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
            Assert.True(
                ScalerMetadataParser.TryParse(metadata, out _, out var error),
                $"the provisioned trigger {trigger["name"]} would be refused by the scaler: {error}");
        }

        _ = scaledObject.ToJsonString();
        return spec.Scaling is CompositeScaling ? "composite ScaledObject" : "simple ScaledObject";
    }
}
