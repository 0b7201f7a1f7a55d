using System.Text;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// The families of a real vLLM capture that the simulator does not render itself, to append to its bodies so they
/// weigh what vLLM's do without a family appearing twice (which Prometheus rejects as duplicate samples).
/// </summary>
internal static class CapturePadding
{
    public static string From(string capture)
    {
        var simulated = new VllmMetrics().Render().Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2])
            .ToHashSet(StringComparer.Ordinal);
        var text = Fixtures.Text("vllm-metrics", capture);
        var kept = new StringBuilder(text.Length);
        var keep = true;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                keep = !simulated.Contains(line.Split(' ')[2]);
            }

            if (keep && line.Length > 0)
            {
                kept.Append(line).Append('\n');
            }
        }

        return kept.ToString();
    }
}
