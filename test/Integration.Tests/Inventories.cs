using System.Text;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>Writes standalone inventory YAML for simulated replicas.</summary>
internal static class Inventories
{
    public static string Of(string name, bool ready, IEnumerable<VllmEndpoint> replicas, int? replicaCount = null, int? readyReplicas = null)
    {
        var text = new StringBuilder();
        text.Append("inferenceSets:\n");
        text.Append("  - namespace: default\n");
        text.Append("    name: ").Append(name).Append('\n');
        text.Append("    ready: ").Append(ready ? "true" : "false").Append('\n');
        if (replicaCount is { } r)
        {
            text.Append("    replicas: ").Append(r).Append('\n');
        }

        if (readyReplicas is { } rr)
        {
            text.Append("    readyReplicas: ").Append(rr).Append('\n');
        }

        text.Append("    services:\n");
        var i = 0;
        foreach (var replica in replicas)
        {
            text.Append("      - name: ").Append(name).Append('-').Append(i++).Append('\n');
            text.Append("        host: 127.0.0.1\n");
            text.Append("        port: ").Append(replica.Port).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>One inventory holding the InferenceSets of several written by <see cref="Of"/>.</summary>
    public static string Combine(params string[] inventories) =>
        "inferenceSets:\n" + string.Concat(inventories.Select(i => i[(i.IndexOf('\n', StringComparison.Ordinal) + 1)..]));

    public const string Empty = "inferenceSets: []\n";
}
