using System.ComponentModel.DataAnnotations;
using System.Net.Http;

namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>How InferenceSet grains scrape (configuration section <c>Scrape</c>).</summary>
public sealed class ScrapeOptions
{
    public const string SectionName = "Scrape";

    /// <summary>How often every endpoint of a registered target is scraped. The Go scaler uses a fixed 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A target's newest sample older than this many intervals is stale: <c>Unavailable</c>, so HPA holds.</summary>
    [Range(1, 100)]
    public int StaleAfterIntervals { get; set; } = 3;

    /// <summary>A target KEDA has not asked about for this long (and never sooner than its window) is dropped. Go: 20 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TargetTtl { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>A response body larger than this is a scrape error (vLLM bodies are 20–80 KB).</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Accept any server certificate on <c>https</c> endpoints. Off by default (the Go scaler always skips verification).</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>
    /// Copy each InferenceSet's window to a grain on another silo after every round, so that a silo lost takes no
    /// window with it (<see cref="Checkpoints.IWindowCheckpointGrain"/>).
    /// </summary>
    public bool CheckpointWindows { get; set; } = true;

    /// <summary>How long a re-activated grain waits for its checkpoint before starting with an empty window.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan CheckpointTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How scrape connections are opened. Null uses DNS and TCP. Tests map cluster DNS names to loopback
    /// here so production URLs stay exactly the Go scaler's.
    /// </summary>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? ConnectCallback { get; set; }

    /// <summary>The staleness bound in time.</summary>
    public TimeSpan StaleAfter => Interval * StaleAfterIntervals;
}
