using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Provisioning;
using static OrleansKaitoScaler.Silo.Tests.Provisioning.InferenceSets;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class ScaledObjectOwnedFieldsTests
{
    private static JsonObject Desired() =>
        new ScaledObjectRenderer(Options.Create(new ProvisioningOptions { ScalerNamespace = "keda" })).Render(Requested(Composite(GaugeMetric)));

    /// <summary>The desired object as the API server returns it: keys reordered, server fields and others' annotations added.</summary>
    private static JsonObject Live()
    {
        var live = (JsonObject)JsonNode.Parse(Desired().ToJsonString())!;
        var metadata = (JsonObject)live["metadata"]!;
        metadata["resourceVersion"] = "4711";
        metadata["uid"] = "so-uid";
        metadata["labels"] = new JsonObject { ["team"] = "ml" };
        ((JsonObject)metadata["annotations"]!)["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
        live["status"] = new JsonObject { ["hpaName"] = "keda-hpa-phi-4" };
        var spec = (JsonObject)live["spec"]!;
        var polling = spec["pollingInterval"]!;
        spec.Remove("pollingInterval");
        spec["pollingInterval"] = polling.DeepClone();
        return live;
    }

    [Fact]
    public void A_live_object_differing_only_in_fields_we_do_not_own_is_as_desired()
    {
        Assert.True(ScaledObjectOwnedFields.IsAsDesired(Live(), Desired()));
    }

    [Fact]
    public void Numbers_compare_by_value_not_by_spelling()
    {
        var live = Live();
        live["spec"]!["pollingInterval"] = JsonNode.Parse("15.0");

        Assert.True(ScaledObjectOwnedFields.IsAsDesired(live, Desired()));
    }

    [Fact]
    public void A_changed_spec_field_is_not_as_desired()
    {
        var live = Live();
        live["spec"]!["maxReplicaCount"] = 6;

        Assert.False(ScaledObjectOwnedFields.IsAsDesired(live, Desired()));
    }

    [Fact]
    public void A_spec_field_someone_added_is_not_as_desired_because_the_spec_is_ours()
    {
        var live = Live();
        live["spec"]!["cooldownPeriod"] = 30;

        Assert.False(ScaledObjectOwnedFields.IsAsDesired(live, Desired()));
    }

    [Fact]
    public void A_lost_managed_by_annotation_is_not_as_desired()
    {
        var live = Live();
        ((JsonObject)live["metadata"]!["annotations"]!).Remove(AutoProvisioningAnnotations.ManagedBy);

        Assert.False(ScaledObjectOwnedFields.IsAsDesired(live, Desired()));
    }

    [Fact]
    public void An_owner_reference_to_an_earlier_InferenceSet_of_the_same_name_is_not_as_desired()
    {
        var live = Live();
        live["metadata"]!["ownerReferences"]![0]!["uid"] = "uid-of-a-deleted-one";

        Assert.False(ScaledObjectOwnedFields.IsAsDesired(live, Desired()));
    }

    [Fact]
    public void Applying_the_desired_fields_keeps_the_server_fields_and_others_annotations_and_then_is_as_desired()
    {
        var live = Live();
        live["spec"]!["maxReplicaCount"] = 6;
        live["metadata"]!["ownerReferences"] = JsonNode.Parse("""
            [{"apiVersion":"kaito.sh/v1beta1","kind":"InferenceSet","name":"phi-4","uid":"old","controller":true,"blockOwnerDeletion":true},
             {"apiVersion":"v1","kind":"ConfigMap","name":"keep-me","uid":"cm-1"}]
            """);

        var updated = ScaledObjectOwnedFields.ApplyTo(live, Desired());

        Assert.True(ScaledObjectOwnedFields.IsAsDesired(updated, Desired()));
        Assert.Equal("4711", (string?)updated["metadata"]!["resourceVersion"]);
        Assert.Equal("ml", (string?)updated["metadata"]!["labels"]!["team"]);
        Assert.Equal("{}", (string?)updated["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.Equal(["cm-1", "uid-1"], updated["metadata"]!["ownerReferences"]!.AsArray().Select(r => (string?)r!["uid"]));
        Assert.Equal(6, (int)live["spec"]!["maxReplicaCount"]!);
    }

    [Theory]
    [InlineData("keda-kaito-scaler", true)]
    [InlineData("someone-else", false)]
    [InlineData(null, false)]
    public void Only_objects_with_our_managed_by_marker_are_ours(string? marker, bool ours)
    {
        var live = Live();
        var annotations = (JsonObject)live["metadata"]!["annotations"]!;
        annotations.Remove(AutoProvisioningAnnotations.ManagedBy);
        if (marker is not null)
        {
            annotations[AutoProvisioningAnnotations.ManagedBy] = marker;
        }

        Assert.Equal(ours, ScaledObjectOwnedFields.IsManagedBy(live, "keda-kaito-scaler"));
    }
}
