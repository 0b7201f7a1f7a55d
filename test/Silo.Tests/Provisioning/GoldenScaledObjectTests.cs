using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>
/// The documented examples, end to end: fixture InferenceSet → parser → renderer → canonical YAML, against expected
/// files written by hand from PROVISIONING.md (<c>Golden/</c>), and against the upstream README's rendered objects.
/// </summary>
public sealed class GoldenScaledObjectTests
{
    private const string Uid = "5f0c7a84-0000-4000-8000-000000000001";

    /// <summary>The defaults, with the namespace pinned (its default depends on where the tests run).</summary>
    private static readonly ProvisioningOptions s_ours = new() { ScalerNamespace = "keda" };

    /// <summary>The service and port the upstream README's rendered example assumes.</summary>
    private static readonly ProvisioningOptions s_readme = new()
    {
        ScalerServiceName = "keda-kaito-scaler",
        ScalerNamespace = "keda-kaito-scaler",
        GrpcPort = 9443,
    };

    private static JsonObject Render(string[] fixture, ProvisioningOptions options)
    {
        var set = YamlToJson.InferenceSet(Fixtures.Text(fixture), Uid);
        var spec = Assert.IsType<AutoProvisioningResult.Requested>(AutoProvisioningParser.Parse(set)).Spec;
        return new ScaledObjectRenderer(Options.Create(options)).Render(spec);
    }

    public static TheoryData<string[], string> Examples => new()
    {
        { ["keda-kaito-scaler", "readme_inferenceset_single_metric.yaml"], "readme_single_metric.yaml" },
        { ["keda-kaito-scaler", "readme_inferenceset_multi_metric.yaml"], "readme_multi_metric.yaml" },
        { ["crds", "kaito-examples", "kaito_inferenceset_phi_4_mini.yaml"], "simple_form_phi-4-mini.yaml" },
        { ["crds", "kaito-examples", "docs_inferenceset_phi-4-mini_annotated.yaml"], "simple_form_phi-4-mini.yaml" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Each_documented_example_renders_exactly_the_expected_ScaledObject(string[] fixture, string golden)
    {
        Assert.Equal(GoldenFiles.Text(golden), CanonicalYaml.Write(Render(fixture, s_ours)));
    }

    [Theory]
    [InlineData("single")]
    [InlineData("multi")]
    public void The_readme_examples_render_what_the_upstream_README_shows_given_its_service_and_port(string example)
    {
        var ours = Render(["keda-kaito-scaler", $"readme_inferenceset_{example}_metric.yaml"], s_readme);
        var upstream = (JsonObject)YamlToJson.Convert(Fixtures.Text("keda-kaito-scaler", $"readme_scaledobject_rendered_{example}_metric.yaml"))!;

        // The README leaves the uid out of its owner reference; a real one always has it.
        ((JsonObject)upstream["metadata"]!["ownerReferences"]![0]!)["uid"] = Uid;

        Assert.True(JsonNode.DeepEquals(upstream["spec"], ours["spec"]), CanonicalYaml.Write(ours["spec"]));
        Assert.True(JsonNode.DeepEquals(upstream, ours), CanonicalYaml.Write(ours));
    }
}
