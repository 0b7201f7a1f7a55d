using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Tests.Kubernetes;

public sealed class KaitoInventoryIndexTests
{
    private static readonly Dictionary<string, string> NoAnnotations = [];

    private static InferenceSetObject Set(string ns, string name, bool ready = true, int? replicas = 1) =>
        new(new ObjectKey(ns, name), "uid-" + name, ready, replicas, replicas, null, NoAnnotations);

    private static WorkspaceObject Workspace(string ns, string name, string? owner) => new(new ObjectKey(ns, name), owner);

    [Fact]
    public void An_InferenceSet_is_scraped_through_the_Services_of_its_Workspaces_in_name_order()
    {
        var index = new KaitoInventoryIndex();
        index.ResetInferenceSets([Set("ml", "phi-4")]);
        index.ResetWorkspaces([Workspace("ml", "phi-4-1", "phi-4"), Workspace("ml", "phi-4-0", "phi-4")]);

        var snapshot = index.Snapshot(new ObjectKey("ml", "phi-4"))!;

        Assert.Equal(["phi-4-0", "phi-4-1"], snapshot.Services.Select(s => s.Name));
        Assert.Equal(["phi-4-0.ml.svc.cluster.local", "phi-4-1.ml.svc.cluster.local"], snapshot.Services.Select(s => s.Host));
        Assert.All(snapshot.Services, s => Assert.Null(s.Port));
    }

    [Fact]
    public void Workspaces_of_a_same_named_InferenceSet_in_another_namespace_or_of_another_owner_are_not_its_own()
    {
        var index = new KaitoInventoryIndex();
        index.ResetInferenceSets([Set("ml", "phi-4"), Set("other", "phi-4")]);
        index.ResetWorkspaces([Workspace("ml", "a", "phi-4"), Workspace("other", "b", "phi-4"), Workspace("ml", "c", "llama"), Workspace("ml", "d", null)]);

        Assert.Equal(["a"], index.Snapshot(new ObjectKey("ml", "phi-4"))!.Services.Select(s => s.Name));
        Assert.Equal(["b"], index.Snapshot(new ObjectKey("other", "phi-4"))!.Services.Select(s => s.Name));
    }

    [Fact]
    public void A_Workspace_relabelled_to_another_InferenceSet_moves_and_both_are_reported_changed()
    {
        var index = new KaitoInventoryIndex();
        index.ResetInferenceSets([Set("ml", "a"), Set("ml", "b")]);
        index.ResetWorkspaces([Workspace("ml", "w", "a")]);

        var affected = index.UpsertWorkspace(Workspace("ml", "w", "b"));

        Assert.Equal([new ObjectKey("ml", "a"), new ObjectKey("ml", "b")], affected);
        Assert.Empty(index.Snapshot(new ObjectKey("ml", "a"))!.Services);
        Assert.Single(index.Snapshot(new ObjectKey("ml", "b"))!.Services);
    }

    [Fact]
    public void A_deleted_Workspace_leaves_its_InferenceSet_and_a_deleted_InferenceSet_has_no_snapshot()
    {
        var index = new KaitoInventoryIndex();
        index.ResetInferenceSets([Set("ml", "a")]);
        index.ResetWorkspaces([Workspace("ml", "w0", "a"), Workspace("ml", "w1", "a")]);

        Assert.Equal([new ObjectKey("ml", "a")], index.RemoveWorkspace(new ObjectKey("ml", "w0")));
        Assert.Equal(["w1"], index.Snapshot(new ObjectKey("ml", "a"))!.Services.Select(s => s.Name));

        index.RemoveInferenceSet(new ObjectKey("ml", "a"));
        Assert.Null(index.Snapshot(new ObjectKey("ml", "a")));
        Assert.Empty(index.RemoveWorkspace(new ObjectKey("ml", "never-seen")));
    }

    [Fact]
    public void Workspaces_that_arrive_before_their_InferenceSet_are_found_once_it_appears()
    {
        var index = new KaitoInventoryIndex();
        index.ResetInferenceSets([]);
        index.UpsertWorkspace(Workspace("ml", "w", "late"));
        Assert.Null(index.Snapshot(new ObjectKey("ml", "late")));

        index.UpsertInferenceSet(Set("ml", "late", ready: false, replicas: 2));

        var snapshot = index.Snapshot(new ObjectKey("ml", "late"))!;
        Assert.False(snapshot.Ready);
        Assert.Equal(2, snapshot.Replicas);
        Assert.Single(snapshot.Services);
    }

    [Fact]
    public void A_full_relist_forgets_what_is_no_longer_there()
    {
        var index = new KaitoInventoryIndex();
        index.ResetInferenceSets([Set("ml", "a"), Set("ml", "b")]);
        index.ResetWorkspaces([Workspace("ml", "w0", "a"), Workspace("ml", "w1", "a")]);

        index.ResetInferenceSets([Set("ml", "a")]);
        index.ResetWorkspaces([Workspace("ml", "w1", "a")]);

        Assert.Equal(["ml/a"], index.Snapshots().Select(s => s.Key.ToString()));
        Assert.Equal(["w1"], index.Snapshot(new ObjectKey("ml", "a"))!.Services.Select(s => s.Name));
    }
}
