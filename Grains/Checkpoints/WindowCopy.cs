using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains.Checkpoints;

/// <summary>
/// A checkpoint as its <see cref="WindowCheckpointGrain"/> keeps it: each target's rounds in a
/// <see cref="SampleWindow"/>, packed as the InferenceSet grain's own are, so a copy weighs about what the window
/// does. It becomes a <see cref="WindowCheckpoint"/> again only to be sent (restored by a grain, or migrated).
/// </summary>
internal sealed class WindowCopy
{
    private readonly Dictionary<ScrapeProfile, SampleWindow> _windows = [];
    private CheckpointedTrigger[] _triggers;

    private WindowCopy(Guid writer, long sequence, CheckpointedTrigger[] triggers)
    {
        Writer = writer;
        Sequence = sequence;
        _triggers = triggers;
    }

    /// <summary>The grain activation whose changes this copy follows.</summary>
    public Guid Writer { get; }

    /// <summary>The number of the last change applied.</summary>
    public long Sequence { get; private set; }

    public static WindowCopy Of(WindowCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var copy = new WindowCopy(checkpoint.Writer, checkpoint.Sequence, [.. checkpoint.Triggers]);
        foreach (var (profile, rounds) in checkpoint.Rounds)
        {
            var window = new SampleWindow();
            foreach (var round in CheckpointedRound.ToRounds(rounds))
            {
                window.Add(round);
            }

            copy._windows[profile] = window;
        }

        return copy;
    }

    /// <summary>The window kept for <paramref name="profile"/>, or null.</summary>
    public SampleWindow? Window(ScrapeProfile profile) => _windows.GetValueOrDefault(profile);

    /// <summary>
    /// Applies one appended round when it is the next change of <see cref="Writer"/>: the trigger list as it is now,
    /// the round, and the target's retention (targets no trigger uses any more are dropped). False, changing
    /// nothing, for any other change.
    /// </summary>
    public bool TryApply(CheckpointAppend append)
    {
        ArgumentNullException.ThrowIfNull(append);
        if (append.Writer != Writer || append.Sequence != Sequence + 1)
        {
            return false;
        }

        Sequence = append.Sequence;
        _triggers = [.. append.Triggers];
        var profiles = _triggers.Select(t => t.Query.Profile).ToHashSet();
        foreach (var profile in _windows.Keys.Where(p => !profiles.Contains(p)).ToArray())
        {
            _windows.Remove(profile);
        }

        if (!_windows.TryGetValue(append.Profile, out var window))
        {
            window = new SampleWindow();
            _windows.Add(append.Profile, window);
        }

        // A round older than the newest (the writer's clock stepped back) restarts the copy, as it restarted the window.
        window.Add(append.Round.ToRound(window.Newest));
        window.Prune(append.Round.At, append.Retention);
        return true;
    }

    /// <summary>The checkpoint to send.</summary>
    public WindowCheckpoint ToCheckpoint() => new()
    {
        Writer = Writer,
        Sequence = Sequence,
        Triggers = [.. _triggers],
        Rounds = _windows.ToDictionary(w => w.Key, w => w.Value.Rounds.Select(CheckpointedRound.From).ToList()),
    };
}
