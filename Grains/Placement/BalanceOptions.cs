using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Grains.Placement;

/// <summary>How InferenceSet grains are kept spread over the silos (configuration section <c>Balance</c>).</summary>
public sealed class BalanceOptions
{
    public const string SectionName = "Balance";

    /// <summary>Move grains to the silo their placement picks now (after a silo joined), and hand them over before shutdown.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each silo looks for grains that belong elsewhere.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many grains leave one silo per look, so a join moves load in steps, not all at once.</summary>
    [Range(1, 100_000)]
    public int MaxMovesPerInterval { get; set; } = 200;

    /// <summary>How long a silo shutting down waits for its grains to move before Orleans deactivates the rest.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
