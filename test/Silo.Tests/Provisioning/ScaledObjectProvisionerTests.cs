using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.TestSupport;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>
/// The provisioner against the wire-level API double over real HTTP: what a user sees in the cluster
/// (ScaledObjects, Events) after applying or editing an InferenceSet.
/// </summary>
public sealed class ScaledObjectProvisionerTests
{
    private const string Name = "phi-4";

    private static string Uid(JsonObject obj) => obj["metadata"]!["uid"]!.GetValue<string>();

    private static string ResourceVersion(JsonObject obj) => obj["metadata"]!["resourceVersion"]!.GetValue<string>();

    private static string? ThresholdOf(JsonObject scaledObject) => scaledObject["spec"]?["triggers"]?[0]?["metadata"]?["threshold"]?.GetValue<string>();

    /// <summary>What the provisioner decides for an InferenceSet the cluster holds, rendered with the tests' options.</summary>
    private static JsonObject Desired(JsonObject inferenceSet)
    {
        var parsed = InferenceSetObject.Parse(System.Text.Json.JsonSerializer.SerializeToElement(inferenceSet));
        var spec = Assert.IsType<AutoProvisioningResult.Requested>(AutoProvisioningParser.Parse(parsed)).Spec;
        return new ScaledObjectRenderer(Options.Create(ProvisioningCluster.Provisioning())).Render(spec);
    }

    /// <summary>A ScaledObject someone wrote by hand, without our managed-by marker unless <paramref name="managedBy"/> is given.</summary>
    private static JsonObject HandWritten(string? managedBy = null, string? ownerUid = null)
    {
        var metadata = new JsonObject { ["name"] = Name, ["namespace"] = ProvisioningCluster.Namespace };
        if (managedBy is not null)
        {
            metadata["annotations"] = new JsonObject { [ManagedBy] = managedBy };
        }

        if (ownerUid is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = ProvisioningCluster.KaitoApi,
                ["kind"] = "InferenceSet",
                ["name"] = Name,
                ["uid"] = ownerUid,
                ["controller"] = true,
            });
        }

        return new JsonObject
        {
            ["apiVersion"] = ProvisioningCluster.KedaApi,
            ["kind"] = "ScaledObject",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = ProvisioningCluster.KaitoApi, ["kind"] = "InferenceSet", ["name"] = Name },
                ["maxReplicaCount"] = 7,
                ["triggers"] = new JsonArray(new JsonObject { ["type"] = "cron", ["metadata"] = new JsonObject { ["timezone"] = "UTC" } }),
            },
        };
    }

    public static TheoryData<string[], string> DocumentedExamples => new()
    {
        { ["crds", "kaito-examples", "docs_inferenceset_phi-4-mini_annotated.yaml"], "simple_form_phi-4-mini.yaml" },
        { ["keda-kaito-scaler", "readme_inferenceset_multi_metric.yaml"], "readme_multi_metric.yaml" },
    };

    [Theory]
    [MemberData(nameof(DocumentedExamples))]
    public async Task An_applied_InferenceSet_gets_exactly_the_documented_ScaledObject(string[] fixture, string golden)
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var set = Assert.Single(cluster.Api.Store.CreateFromYaml(Fixtures.Text(fixture)));
        var name = set["metadata"]!["name"]!.GetValue<string>();
        await cluster.StartProvisionerAsync();

        var live = await cluster.ScaledObjectAsync(name, _ => true, "the provisioned ScaledObject");

        // What kubectl get -o yaml shows, less the server's bookkeeping; the golden file's uid stands for the real one.
        var reference = (JsonObject)live["metadata"]!["ownerReferences"]![0]!;
        Assert.Equal(Uid(set), reference["uid"]!.GetValue<string>());
        reference["uid"] = "5f0c7a84-0000-4000-8000-000000000001";
        var metadata = (JsonObject)live["metadata"]!;
        var shown = new JsonObject
        {
            ["apiVersion"] = live["apiVersion"]!.DeepClone(),
            ["kind"] = live["kind"]!.DeepClone(),
            ["metadata"] = new JsonObject
            {
                ["annotations"] = metadata["annotations"]?.DeepClone(),
                ["name"] = metadata["name"]!.DeepClone(),
                ["namespace"] = metadata["namespace"]!.DeepClone(),
                ["ownerReferences"] = metadata["ownerReferences"]!.DeepClone(),
            },
            ["spec"] = live["spec"]!.DeepClone(),
        };
        Assert.Equal(GoldenFiles.Text(golden), CanonicalYaml.Write(shown));
        Assert.Equal(1, cluster.Requests("create", "scaledobjects"));
    }

    [Fact]
    public async Task Changing_an_annotation_updates_the_same_ScaledObject_in_place()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        await cluster.StartProvisionerAsync();
        var before = await cluster.ScaledObjectAsync(Name, o => ThresholdOf(o) == "10", "the first ScaledObject");

        var set = cluster.InferenceSet(Name, ProvisioningCluster.Simple((Threshold, "20"), (MaxReplicas, "3")));

        var after = await cluster.ScaledObjectAsync(Name, o => ThresholdOf(o) == "20", "the updated ScaledObject");
        Assert.Equal(Uid(before), Uid(after));
        Assert.Equal(3, after["spec"]!["maxReplicaCount"]!.GetValue<int>());
        Assert.True(ScaledObjectOwnedFields.IsAsDesired(after, Desired(set)));
        Assert.Equal(1, cluster.Requests("create", "scaledobjects"));
        var updated = await cluster.EventAsync(ScaledObjectReconciler.UpdatedReason);
        Assert.Equal("Normal", updated["type"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> InvalidAnnotations => new()
    {
        { Threshold, "ten", ProvisioningEventReasons.InvalidConfig },
        { MaxReplicas, "2", ProvisioningEventReasons.InvalidReplicaRange },
        { Metrics, "- name: vllm:num_requests_waiting\n  type: gauge\n  upthreshold: [\n", ProvisioningEventReasons.InvalidConfig },
        { Metrics, "- name: vllm:generation_tokens_total\n  type: counter\n  aggregation: max\n  upthreshold: 9\n  downthreshold: 1\n", ProvisioningEventReasons.InvalidConfig },
        { Metrics, "- name: vllm:e2e_request_latency_seconds\n  type: histogram\n  aggregation: quantile\n  quantile: 1\n  upthreshold: 9\n  downthreshold: 1\n", ProvisioningEventReasons.InvalidConfig },
    };

    [Theory]
    [MemberData(nameof(InvalidAnnotations))]
    public async Task Invalid_annotations_get_a_Warning_Event_on_the_InferenceSet_and_no_ScaledObject(string key, string value, string reason)
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var annotations = ProvisioningCluster.Simple((MinReplicas, "4"), (key, value));
        var set = cluster.InferenceSet(Name, annotations);
        var expected = InferenceSets.Invalid(InferenceSets.With([.. annotations.Select(a => (a.Key, (string?)a.Value))]));
        await cluster.StartProvisionerAsync();

        var warning = await cluster.EventAsync(reason);

        Assert.Equal(reason, expected.Reason);
        Assert.Equal("Warning", warning["type"]!.GetValue<string>());
        Assert.Equal(ScaledObjectReconciler.SkipPrefix + expected.Message, warning["message"]!.GetValue<string>());
        Assert.Contains(key, warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var involved = warning["involvedObject"]!;
        Assert.Equal(
            ("kaito.sh/v1beta1", "InferenceSet", Name, ProvisioningCluster.Namespace, Uid(set)),
            (involved["apiVersion"]!.GetValue<string>(), involved["kind"]!.GetValue<string>(), involved["name"]!.GetValue<string>(),
                involved["namespace"]!.GetValue<string>(), involved["uid"]!.GetValue<string>()));
        Assert.Equal(InferenceSetEventRecorder.Component, warning["source"]!["component"]!.GetValue<string>());
        Assert.Equal(1, warning["count"]!.GetValue<int>());
        Assert.Empty(cluster.ScaledObjects());
        Assert.Equal(0, cluster.Requests("create", "scaledobjects"));
    }

    [Fact]
    public async Task An_invalid_edit_leaves_the_existing_ScaledObject_as_it_was()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        await cluster.StartProvisionerAsync();
        var before = await cluster.ScaledObjectAsync(Name, _ => true, "the ScaledObject");

        cluster.InferenceSet(Name, ProvisioningCluster.Simple((MaxReplicas, "1")));

        await cluster.EventAsync(ProvisioningEventReasons.InvalidReplicaRange);
        var after = Assert.Single(cluster.ScaledObjects());
        Assert.Equal(ResourceVersion(before), ResourceVersion(after));
        Assert.Equal(0, cluster.Requests("update", "scaledobjects") + cluster.Requests("delete", "scaledobjects"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task Switching_auto_provision_off_deletes_our_ScaledObject_with_a_ScaledObjectCleanedUp_Event(string? autoProvision)
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        await cluster.StartProvisionerAsync();
        await cluster.ScaledObjectAsync(Name, _ => true, "the ScaledObject");

        var off = ProvisioningCluster.Simple();
        off.Remove(AutoProvision);
        if (autoProvision is not null)
        {
            off[AutoProvision] = autoProvision;
        }

        cluster.InferenceSet(Name, off);

        var cleaned = await cluster.EventAsync(ProvisioningEventReasons.ScaledObjectCleanedUp);
        Assert.Empty(cluster.ScaledObjects());
        Assert.Equal("Normal", cleaned["type"]!.GetValue<string>());
        Assert.Equal(
            $"Deleted auto-provisioned ScaledObject {Name} because auto-provisioning of InferenceSet(default/{Name}) is disabled",
            cleaned["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_auto_provision_off_a_ScaledObject_not_both_marked_and_owned_by_the_InferenceSet_is_left_alone(bool marked)
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet(Name, new Dictionary<string, string> { [AutoProvision] = "false" });
        var mine = cluster.Api.Store.Create(HandWritten(marked ? "keda-kaito-scaler" : null, ownerUid: marked ? "another-inferenceset" : null));
        var options = ProvisioningCluster.Provisioning();
        options.ResyncInterval = TimeSpan.FromMilliseconds(200);
        await cluster.StartProvisionerAsync(provisioning: options);

        // One InferenceSet is never reconciled twice at once: a second read means the first reconcile is over.
        await Eventually.True(() => cluster.Requests("get", "scaledobjects") >= 2, TimeSpan.FromSeconds(10), "two reconciles reading the ScaledObject");

        var still = Assert.Single(cluster.ScaledObjects());
        Assert.Equal(ResourceVersion(mine), ResourceVersion(still));
        Assert.Equal(0, cluster.Requests("delete", "scaledobjects"));
    }

    [Fact]
    public async Task An_existing_ScaledObject_without_our_marker_is_left_alone_and_reported_once_not_on_every_resync()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var mine = cluster.Api.Store.Create(HandWritten());
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        var options = ProvisioningCluster.Provisioning();
        options.ResyncInterval = TimeSpan.FromMilliseconds(200);
        var instance = await cluster.StartProvisionerAsync(provisioning: options);

        await Eventually.True(() => cluster.Requests("get", "scaledobjects") >= 4, TimeSpan.FromSeconds(10), "several resyncs reading the ScaledObject");

        var still = Assert.Single(cluster.ScaledObjects());
        Assert.Equal(ResourceVersion(mine), ResourceVersion(still));
        var warning = Assert.Single(cluster.Events(ProvisioningEventReasons.ScaledObjectNotManaged));
        Assert.Equal("Warning", warning["type"]!.GetValue<string>());
        Assert.True(warning["count"]!.GetValue<int>() == 1, instance.Log.ToString());
        Assert.Contains(ManagedBy, warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, cluster.Requests("update", "scaledobjects") + cluster.Requests("delete", "scaledobjects"));
    }

    [Fact]
    public async Task A_problem_that_comes_back_bumps_the_count_of_its_first_Event()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var invalid = ProvisioningCluster.Simple((MaxReplicas, "1"));
        cluster.InferenceSet(Name, invalid);
        await cluster.StartProvisionerAsync();
        await cluster.EventAsync(ProvisioningEventReasons.InvalidReplicaRange);
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        await cluster.ScaledObjectAsync(Name, _ => true, "the ScaledObject once the range is fixed");

        cluster.InferenceSet(Name, invalid);

        await cluster.EventAsync(ProvisioningEventReasons.InvalidReplicaRange, e => e["count"]!.GetValue<int>() == 2);
        Assert.Single(cluster.Events(ProvisioningEventReasons.InvalidReplicaRange));
        Assert.True(cluster.Requests("patch", "events") >= 1);
    }

    [Fact]
    public async Task A_deleted_InferenceSet_leaves_its_ScaledObject_to_the_owner_reference_cascade()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var set = cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        await cluster.StartProvisionerAsync();
        await cluster.ScaledObjectAsync(Name, _ => true, "the ScaledObject");

        cluster.Api.Store.Delete(ProvisioningCluster.KaitoApi, "InferenceSet", ProvisioningCluster.Namespace, Name);
        cluster.InferenceSet("later", ProvisioningCluster.Simple());

        // The later InferenceSet's ScaledObject proves the deletion before it went through the watch.
        await cluster.ScaledObjectAsync("later", _ => true, "a later InferenceSet's ScaledObject");
        var orphan = cluster.ScaledObject(Name);
        Assert.NotNull(orphan);
        var reference = Assert.Single(orphan["metadata"]!["ownerReferences"]!.AsArray())!;
        Assert.Equal(
            ("kaito.sh/v1beta1", "InferenceSet", Name, Uid(set), true, true),
            (reference["apiVersion"]!.GetValue<string>(), reference["kind"]!.GetValue<string>(), reference["name"]!.GetValue<string>(),
                reference["uid"]!.GetValue<string>(), reference["controller"]!.GetValue<bool>(), reference["blockOwnerDeletion"]!.GetValue<bool>()));
        Assert.Equal(0, cluster.Requests("delete", "scaledobjects"));
    }

    [Fact]
    public async Task A_conflict_on_update_is_read_again_and_retried_and_never_makes_a_second_ScaledObject()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        await cluster.StartProvisionerAsync();
        await cluster.ScaledObjectAsync(Name, _ => true, "the ScaledObject");
        cluster.Api.Faults.FailNext(1, 409, r => r.Verb == "update" && r.Resource == "scaledobjects");

        var set = cluster.InferenceSet(Name, ProvisioningCluster.Simple((Threshold, "20")));

        var updated = await cluster.ScaledObjectAsync(Name, o => ThresholdOf(o) == "20", "the update after the conflict");
        Assert.True(ScaledObjectOwnedFields.IsAsDesired(updated, Desired(set)));
        Assert.Single(cluster.ScaledObjects());
        Assert.Equal(1, cluster.Requests("create", "scaledobjects"));
        var writes = cluster.Api.Requests.Snapshot().Where(r => r.Request.Resource == "scaledobjects" && r.Request.Verb is "get" or "update").ToList();
        var conflict = writes.FindIndex(r => r.Request.Verb == "update" && r.StatusCode == 409);
        Assert.True(conflict >= 0, "the injected conflict was met");
        Assert.Equal(["get", "update"], writes.Skip(conflict + 1).Take(2).Select(r => r.Request.Verb));
        Assert.Equal(200, writes[conflict + 2].StatusCode);
    }

    [Fact]
    public async Task A_ScaledObject_deleted_or_edited_by_hand_is_repaired_by_the_periodic_resync()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        var options = ProvisioningCluster.Provisioning();
        options.ResyncInterval = TimeSpan.FromMilliseconds(300);
        await cluster.StartProvisionerAsync(provisioning: options);
        var first = await cluster.ScaledObjectAsync(Name, _ => true, "the ScaledObject");

        cluster.Api.Store.Delete(ProvisioningCluster.KedaApi, "ScaledObject", ProvisioningCluster.Namespace, Name);
        var recreated = await cluster.ScaledObjectAsync(Name, o => Uid(o) != Uid(first), "the ScaledObject created again");
        recreated["spec"]!["maxReplicaCount"] = 99;
        cluster.Api.Store.Update(recreated);

        await cluster.ScaledObjectAsync(Name, o => o["spec"]!["maxReplicaCount"]!.GetValue<int>() == 5, "the hand edit undone");
    }

    [Fact]
    public async Task Neither_a_new_term_nor_the_periodic_resync_reads_anything_for_InferenceSets_without_our_annotations()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet("plain", new Dictionary<string, string> { ["team"] = "search" });
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        var options = ProvisioningCluster.Provisioning();
        options.ResyncInterval = TimeSpan.FromMilliseconds(200);
        await cluster.StartProvisionerAsync(provisioning: options);

        int Reads(string name) => cluster.Api.Requests.Count(r => r.Request.Verb == "get" && r.Request.Resource == "scaledobjects" && r.Request.Name == name);
        await Eventually.True(() => Reads(Name) >= 4, TimeSpan.FromSeconds(10), "several resyncs of the annotated InferenceSet");

        // The term began with one LIST of ScaledObjects instead of a GET per InferenceSet.
        Assert.Equal(0, Reads("plain"));
        Assert.Equal(1, cluster.Requests("list", "scaledobjects"));
    }

    [Fact]
    public async Task An_InferenceSet_without_our_annotations_first_seen_while_the_term_lists_ScaledObjects_is_not_read()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet("plain", new Dictionary<string, string> { ["team"] = "search" });
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());

        // As on a busy API server: the Lease is taken at once, the term's LIST of ScaledObjects is slow, and the
        // InferenceSets arrive while it is under way, so each is seen for the first time during the term's start.
        using var slowSets = cluster.Api.Faults.AddLatency(TimeSpan.FromMilliseconds(500), r => r.Verb == "list" && r.Resource == "inferencesets");
        using var slowList = cluster.Api.Faults.AddLatency(TimeSpan.FromMilliseconds(1500), r => r.Verb == "list" && r.Resource == "scaledobjects");
        await cluster.StartProvisionerAsync();
        await cluster.ScaledObjectAsync(Name, _ => true, "the annotated InferenceSet's ScaledObject");
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Equal(0, cluster.Api.Requests.Count(r => r.Request.Resource == "scaledobjects" && r.Request.Name == "plain"));
    }

    [Fact]
    public async Task A_new_term_removes_our_ScaledObject_of_an_InferenceSet_whose_annotations_went_while_no_leader_watched()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        var set = cluster.InferenceSet(Name, new Dictionary<string, string>());
        var uid = set["metadata"]!["uid"]!.GetValue<string>();
        cluster.Api.Store.Create(HandWritten("keda-kaito-scaler", ownerUid: uid));

        await cluster.StartProvisionerAsync();

        await Eventually.True(() => cluster.ScaledObjects().Count == 0, TimeSpan.FromSeconds(10), "the orphaned managed ScaledObject deleted");
        Assert.Single(cluster.Events(ProvisioningEventReasons.ScaledObjectCleanedUp));
    }

    [Fact]
    public async Task With_provisioning_disabled_the_Lease_is_never_asked_for_and_nothing_is_written()
    {
        await using var cluster = await ProvisioningCluster.StartAsync();
        cluster.InferenceSet(Name, ProvisioningCluster.Simple());
        var options = ProvisioningCluster.Provisioning();
        options.Enabled = false;

        var instance = await cluster.StartProvisionerAsync(provisioning: options);

        // Enabled, it would compete for the Lease until stopped; disabled, it is done at once.
        await instance.Provisioner.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, instance.Tap.Requests("leases"));
        Assert.Empty(cluster.ScaledObjects());
    }
}
