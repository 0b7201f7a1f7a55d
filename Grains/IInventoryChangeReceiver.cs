namespace OrleansKaitoScaler.Grains;

/// <summary>
/// Lets the silo-local inventory's change callback enter the grain's own scheduler: the callback calls
/// this on the grain's reference instead of touching grain state from the inventory's thread.
/// </summary>
public interface IInventoryChangeReceiver : IGrainWithStringKey
{
    /// <summary>Re-reads the InferenceSet from the inventory and reacts (deleted: stop; readiness changed: notify).</summary>
    Task OnInventoryChanged();
}
