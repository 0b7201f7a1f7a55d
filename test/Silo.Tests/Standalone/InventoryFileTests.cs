using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Silo.Standalone;

namespace OrleansKaitoScaler.Silo.Tests.Standalone;

public sealed class InventoryFileTests
{
    [Fact]
    public void Reads_the_documented_format()
    {
        const string yaml = """
            inferenceSets:
              - namespace: default
                name: phi-4
                ready: true
                replicas: 2
                readyReplicas: 1
                services:
                  - name: phi-4-0
                    host: 127.0.0.1
                    port: 18001
                  - name: phi-4-1
                    host: phi-4-1.default.svc.cluster.local
              - namespace: team-b
                name: llama
            """;

        var snapshots = InventoryFile.Parse(yaml);

        Assert.Equal(2, snapshots.Count);
        var phi = snapshots[0];
        Assert.Equal(new InferenceSetKey("default", "phi-4"), phi.Key);
        Assert.True(phi.Ready);
        Assert.Equal(2, phi.Replicas);
        Assert.Equal(1, phi.ReadyReplicas);
        Assert.Equal([new InferenceSetService("phi-4-0", "127.0.0.1", 18001), new InferenceSetService("phi-4-1", "phi-4-1.default.svc.cluster.local", null)], phi.Services);
        var llama = snapshots[1];
        Assert.False(llama.Ready);
        Assert.Null(llama.Replicas);
        Assert.Empty(llama.Services);
    }

    [Fact]
    public void The_bundled_inventory_is_valid()
    {
        var bundled = Path.Combine(AppContext.BaseDirectory, "inventory.yaml");

        var snapshots = InventoryFile.Parse(File.ReadAllText(bundled));

        Assert.NotEmpty(snapshots);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("inferenceSets: []", 0)]
    [InlineData("# nothing yet\n", 0)]
    public void An_empty_inventory_has_no_InferenceSets(string yaml, int expected) =>
        Assert.Equal(expected, InventoryFile.Parse(yaml).Count);

    [Theory]
    [InlineData("inferenceSets: {}", "'inferenceSets' must be a list")]
    [InlineData("inferenceSets:\n  - name: a\n", "inferenceSets[0].namespace is required")]
    [InlineData("inferenceSets:\n  - namespace: n\n", "inferenceSets[0].name is required")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a, ready: maybe}\n", "inferenceSets[0].ready must be true or false")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a, replicas: -1}\n", "inferenceSets[0].replicas must be a non-negative integer")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a, services: [{name: s, host: h, port: 70000}]}\n", "inferenceSets[0].services[0].port must be a port number 1-65535")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a, services: [{name: s}]}\n", "inferenceSets[0].services[0].host is required")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a}\n  - {namespace: n, name: a}\n", "inferenceSets[1]: n/a is listed twice")]
    [InlineData("inferenceSets: [\n", "not valid YAML at line")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a, services: [{name: s, host: h}, {name: s, host: g}]}\n", "inferenceSets[0].services[1].name 's' is listed twice")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a, services: [{name: s, host: 'localhost:8000'}]}\n", "inferenceSets[0].services[0].host 'localhost:8000' is not a host name")]
    [InlineData("inferenceSets:\n  - {namespace: n, name: a, services: [{name: s, host: 'bad host'}]}\n", "is not a host name")]
    public void A_malformed_inventory_names_the_offending_entry(string yaml, string message)
    {
        var error = Assert.Throws<InventoryFileException>(() => InventoryFile.Parse(yaml));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
