using OrleansKaitoScaler.Abstractions.Scaling;

namespace OrleansKaitoScaler.Grains.State;

/// <summary>A registered trigger as the grain remembers it: when KEDA last asked, its last status and recent values.</summary>
internal sealed class TriggerHistory
{
    /// <summary>How many recent values the sparkline shows.</summary>
    public const int RecentCount = 30;

    private readonly Queue<double> _recent = new(RecentCount);

    public DateTimeOffset LastAsked { get; set; }

    public string? Status { get; set; }

    public IReadOnlyList<double> Recent => _recent.ToArray();

    public void Record(MetricAnswer answer)
    {
        if (answer.Outcome != ScalerOutcome.Ok)
        {
            return;
        }

        if (_recent.Count == RecentCount)
        {
            _recent.Dequeue();
        }

        _recent.Enqueue(answer.Value);
    }
}
