using System.Text.Json;
using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Tests.Kubernetes;

public sealed class InferenceSetObjectTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void Reads_readiness_replicas_node_limit_uid_and_annotations()
    {
        var set = InferenceSetObject.Parse(Json("""
            {"apiVersion":"kaito.sh/v1beta1","kind":"InferenceSet",
             "metadata":{"name":"phi-4","namespace":"ml","uid":"u-1","annotations":{"scaledobject.kaito.sh/threshold":"10"}},
             "spec":{"replicas":3,"nodeCountLimit":5},
             "status":{"readyReplicas":2,"conditions":[{"type":"Other","status":"True"},{"type":"Ready","status":"True"}]}}
            """));

        Assert.Equal(new ObjectKey("ml", "phi-4"), set.Key);
        Assert.Equal("u-1", set.Uid);
        Assert.True(set.Ready);
        Assert.Equal(3, set.Replicas);
        Assert.Equal(2, set.ReadyReplicas);
        Assert.Equal(5, set.NodeCountLimit);
        Assert.Equal("10", set.Annotations["scaledobject.kaito.sh/threshold"]);
    }

    [Fact]
    public void Two_reads_of_the_same_object_are_equal_and_a_changed_annotation_is_a_change()
    {
        const string Text = """
            {"metadata":{"name":"phi-4","namespace":"ml","uid":"u-1","annotations":{"a":"1","b":"2"}},
             "spec":{"replicas":3},"status":{"readyReplicas":2}}
            """;
        var first = InferenceSetObject.Parse(Json(Text));
        var again = InferenceSetObject.Parse(Json(Text));
        var reordered = InferenceSetObject.Parse(Json(Text.Replace("\"a\":\"1\",\"b\":\"2\"", "\"b\":\"2\",\"a\":\"1\"", StringComparison.Ordinal)));
        var changed = InferenceSetObject.Parse(Json(Text.Replace("\"b\":\"2\"", "\"b\":\"3\"", StringComparison.Ordinal)));
        var renamed = InferenceSetObject.Parse(Json(Text.Replace("\"b\":\"2\"", "\"c\":\"2\"", StringComparison.Ordinal)));
        var fewer = InferenceSetObject.Parse(Json(Text.Replace(",\"b\":\"2\"", "", StringComparison.Ordinal)));

        Assert.Equal(first, again);
        Assert.Equal(first.GetHashCode(), again.GetHashCode());
        Assert.Equal(first, reordered);
        Assert.NotEqual(first, changed);
        Assert.NotEqual(first, renamed);
        Assert.NotEqual(first, fewer);
        Assert.NotEqual(first, first with { ReadyReplicas = 3 });
    }

    [Theory]
    [InlineData("""{"conditions":[{"type":"Ready","status":"False"}]}""")]
    [InlineData("""{"conditions":[{"type":"Ready","status":"Unknown"}]}""")]
    [InlineData("""{"conditions":[{"type":"Available","status":"True"}]}""")]
    [InlineData("""{"conditions":[]}""")]
    [InlineData("""{}""")]
    public void Is_ready_only_when_its_Ready_condition_is_True(string status)
    {
        var set = InferenceSetObject.Parse(Json($$"""{"metadata":{"name":"a","namespace":"b"},"status":{{status}}}"""));

        Assert.False(set.Ready);
    }

    [Fact]
    public void A_new_InferenceSet_without_spec_or_status_reads_as_not_ready_with_unknown_counts()
    {
        var set = InferenceSetObject.Parse(Json("""{"metadata":{"name":"a","namespace":"b"}}"""));

        Assert.False(set.Ready);
        Assert.Null(set.Replicas);
        Assert.Null(set.ReadyReplicas);
        Assert.Empty(set.Annotations);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"a","namespace":"b"},"spec":{"replicas":"3"}}""", "spec.replicas")]
    [InlineData("""{"metadata":{"name":"a","namespace":"b"},"status":{"readyReplicas":1.5}}""", "status.readyReplicas")]
    [InlineData("""{"metadata":{"name":"a","namespace":"b"},"status":{"conditions":{}}}""", "status.conditions")]
    [InlineData("""{"metadata":{"name":"a","namespace":"b","annotations":{"x":1}}}""", "metadata.annotations[x]")]
    [InlineData("""{"metadata":{"name":"a"}}""", "metadata.namespace")]
    [InlineData("""{"metadata":{"namespace":"b"}}""", "metadata.name")]
    [InlineData("""{"spec":{}}""", "metadata")]
    public void A_field_of_the_wrong_shape_is_an_error_naming_it(string json, string field)
    {
        var error = Assert.Throws<KubernetesObjectException>(() => InferenceSetObject.Parse(Json(json)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Workspace_belongs_to_the_InferenceSet_named_by_its_created_by_label()
    {
        var workspace = WorkspaceObject.Parse(Json("""
            {"metadata":{"name":"phi-4-0","namespace":"ml","labels":{"inferenceset.kaito.sh/created-by":"phi-4","other":"x"}}}
            """));
        var orphan = WorkspaceObject.Parse(Json("""{"metadata":{"name":"solo","namespace":"ml"}}"""));

        Assert.Equal("phi-4", workspace.CreatedBy);
        Assert.Null(orphan.CreatedBy);
    }
}
