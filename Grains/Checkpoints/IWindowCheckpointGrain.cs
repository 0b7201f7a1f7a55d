namespace OrleansKaitoScaler.Grains.Checkpoints;

/// <summary>
/// The copy of one InferenceSet grain's window (same key), kept on another silo than the grain
/// (<see cref="Placement.ApartFromOwnerPlacementAttribute"/>) so that losing the grain's silo does not lose it.
/// </summary>
public interface IWindowCheckpointGrain : IGrainWithStringKey
{
    /// <summary>The checkpoint, or null when there is none.</summary>
    Task<WindowCheckpoint?> Load();

    /// <summary>Replaces the checkpoint with a full one (a writer's first, or after an append was refused).</summary>
    Task Replace(WindowCheckpoint checkpoint);

    /// <summary>
    /// Appends a round when it is the next change of the writer this copy follows; false otherwise (this copy was
    /// lost with its silo, or another activation wrote since): the writer then sends a full checkpoint.
    /// </summary>
    Task<bool> Append(CheckpointAppend append);

    /// <summary>Forgets the checkpoint (the InferenceSet was deleted, or KEDA stopped asking about it).</summary>
    Task Clear();
}
