using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Grains.Tests.Inventory;

/// <summary>
/// What a watcher hears. A grain activated before its silo's first list (a silo still starting) watches a key whose
/// fate only that list settles: it must hear "missing" too, or it would keep a window restored for a deleted
/// InferenceSet (found by the soak).
/// </summary>
public sealed class InferenceSetInventoryTests
{
    private static readonly InferenceSetKey Phi = new("default", "phi-4");
    private static readonly InferenceSetKey Llama = new("default", "llama");

    [Fact]
    public void A_watcher_from_before_the_first_list_hears_that_its_InferenceSet_is_missing()
    {
        var inventory = new InferenceSetInventory();
        var heard = new List<InferenceSetSnapshot?>();
        using var watch = inventory.Watch(Phi, heard.Add);

        inventory.Replace([Snapshot(Llama)]);

        Assert.Equal([null], heard);
    }

    [Fact]
    public void A_watcher_from_before_the_first_list_hears_its_InferenceSet_once_when_the_list_has_it()
    {
        var inventory = new InferenceSetInventory();
        var heard = new List<InferenceSetSnapshot?>();
        using var watch = inventory.Watch(Phi, heard.Add);

        inventory.Replace([Snapshot(Phi), Snapshot(Llama)]);

        Assert.Equal([Snapshot(Phi)], heard);
    }

    [Fact]
    public void An_InferenceSet_added_before_the_first_list_and_missing_from_it_is_reported_deleted_once()
    {
        var inventory = new InferenceSetInventory();
        inventory.Upsert(Snapshot(Phi));
        var heard = new List<InferenceSetSnapshot?>();
        using var watch = inventory.Watch(Phi, heard.Add);

        inventory.Replace([Snapshot(Llama)]);

        Assert.Equal([null], heard);
    }

    [Fact]
    public void After_the_first_list_a_key_that_was_never_there_hears_nothing_from_later_lists()
    {
        var inventory = new InferenceSetInventory();
        inventory.Replace([Snapshot(Llama)]);
        var heard = new List<InferenceSetSnapshot?>();
        using var watch = inventory.Watch(Phi, heard.Add);

        inventory.Replace([Snapshot(Llama)]);
        inventory.Replace([]);

        Assert.Empty(heard);
    }

    [Fact]
    public void A_disposed_watcher_hears_nothing_from_the_first_list()
    {
        var inventory = new InferenceSetInventory();
        var heard = new List<InferenceSetSnapshot?>();
        inventory.Watch(Phi, heard.Add).Dispose();

        inventory.Replace([]);

        Assert.Empty(heard);
    }

    private static InferenceSetSnapshot Snapshot(InferenceSetKey key) =>
        new(key, true, 1, 1, [new InferenceSetService($"{key.Name}-0", $"{key.Name}-0.{key.Namespace}.svc.cluster.local", 5000)]);
}
