using System.Globalization;
using System.Text;

namespace OrleansKaitoScaler.Fleet.Load;

/// <summary>
/// The fleet as the scaler's standalone inventory file sees it: InferenceSet <c>team-{i % 20}/model-{i}</c> with
/// <c>M</c> replicas, each a service at <c>127.0.0.1:&lt;its port&gt;</c>.
/// </summary>
internal sealed class FleetInventory(IReadOnlyList<int> ports, int replicasPerSet)
{
    public FleetInventory(IEnumerable<PortFleet.Replica> replicas, int replicasPerSet)
        : this([.. replicas.Select(r => r.Port)], replicasPerSet)
    {
    }

    public int Sets => ports.Count / replicasPerSet;

    public int ReplicasPerSet => replicasPerSet;

    public static string Namespace(int set) => $"team-{set % 20}";

    public static string Name(int set) => $"model-{set}";

    /// <summary>The ports of InferenceSet <paramref name="set"/>'s replicas.</summary>
    public IEnumerable<int> PortsOf(int set) => ports.Skip(set * replicasPerSet).Take(replicasPerSet);

    /// <summary>The replicas of InferenceSet <paramref name="set"/> in <paramref name="fleet"/>.</summary>
    public IEnumerable<PortFleet.Replica> ReplicasOf(int set, PortFleet fleet) => PortsOf(set).Select(fleet.ByPort);

    /// <summary>Writes the first <paramref name="sets"/> InferenceSets (atomically: the scaler reloads the file on change).</summary>
    public void Write(string path, int sets)
    {
        var yaml = new StringBuilder("inferenceSets:\n");
        for (var i = 0; i < sets; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - namespace: {Namespace(i)}\n    name: {Name(i)}\n    ready: true\n")
                .Append(CultureInfo.InvariantCulture, $"    replicas: {replicasPerSet}\n    readyReplicas: {replicasPerSet}\n    services:\n");
            var r = 0;
            foreach (var port in PortsOf(i))
            {
                yaml.Append(CultureInfo.InvariantCulture, $"      - name: {Name(i)}-{r++}\n        host: 127.0.0.1\n        port: {port}\n");
            }
        }

        var temp = path + ".tmp";
        File.WriteAllText(temp, yaml.ToString());
        File.Move(temp, path, overwrite: true);
    }
}
