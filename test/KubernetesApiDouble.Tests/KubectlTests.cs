using System.Text.Json.Nodes;
using OrleansKaitoScaler.TestSupport;
using static OrleansKaitoScaler.KubernetesApiDouble.Tests.InferenceSets;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

/// <summary>The real kubectl, oldest and newest versions included, driving InferenceSets on the double.</summary>
public sealed class KubectlTests
{
    public static TheoryData<string> Binaries => Kubectl.Binaries();

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Kubectl_applies_gets_labels_and_deletes_an_example_inferenceset(string binary)
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var kubectl = new Kubectl(Kubectl.PathOf(binary), harness.KubeconfigPath, Path.Combine(harness.Directory, "cache"));
        var example = Fixtures.Path("crds", "kaito-examples", "kaito_inferenceset_phi_4_mini.yaml");
        var changed = Path.Combine(harness.Directory, "phi-4-mini-3-replicas.yaml");
        await File.WriteAllTextAsync(changed, (await File.ReadAllTextAsync(example)).Replace("replicas: 1", "replicas: 3", StringComparison.Ordinal));

        var created = await kubectl.RunAsync("apply", "--validate=false", "-f", example);
        var configured = await kubectl.RunAsync("apply", "--validate=false", "-f", changed);
        var json = await kubectl.RunAsync("get", "inferencesets", "-n", "default", "-o", "json");
        var table = await kubectl.RunAsync("get", "is");
        var labeled = await kubectl.RunAsync("label", "is", "phi-4-mini", "tier=gold");
        var selected = await kubectl.RunAsync("get", "isets", "-l", "tier=gold", "-o", "name");
        var deleted = await kubectl.RunAsync("delete", "is", "phi-4-mini");

        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Contains("inferenceset.kaito.sh/phi-4-mini created", created.Stdout);
        Assert.True(configured.ExitCode == 0, configured.Stderr);
        Assert.Contains("inferenceset.kaito.sh/phi-4-mini configured", configured.Stdout);
        var item = Assert.Single(JsonNode.Parse(json.Stdout)!["items"]!.AsArray())!.AsObject();
        Assert.Equal("phi-4-mini", item["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(3, Replicas(item));
        Assert.Equal("10", item["metadata"]!["annotations"]!["scaledobject.kaito.sh/threshold"]!.GetValue<string>());
        Assert.NotNull(item["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.Matches(@"(?m)^phi-4-mini\s", table.Stdout);
        Assert.True(labeled.ExitCode == 0, labeled.Stderr);
        Assert.Equal("inferenceset.kaito.sh/phi-4-mini", selected.Stdout.Trim());
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Contains("\"phi-4-mini\" deleted", deleted.Stdout);
        Assert.Empty(harness.Api.Store.List(ApiVersion, "InferenceSet"));
        Assert.Contains(harness.Api.Requests.Snapshot(), r => r.Request is { Verb: "patch", ContentType: { } type } && type.StartsWith("application/merge-patch+json", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Kubectl_get_watch_prints_a_change_made_while_it_watches(string binary)
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var kubectl = new Kubectl(Kubectl.PathOf(binary), harness.KubeconfigPath, Path.Combine(harness.Directory, "cache"));
        harness.Api.Store.Create(New("phi-4-mini"));
        var changed = false;

        var output = await kubectl.RunUntilAsync(
            ["get", "is", "phi-4-mini", "-n", "default", "--watch", "-o", "jsonpath={.metadata.name} {.spec.replicas}{\"\\n\"}"],
            async printed =>
            {
                if (!changed && printed.Contains("phi-4-mini 1", StringComparison.Ordinal))
                {
                    // kubectl prints what it GETs, then watches from "now"; a change made before the watch opens is
                    // folded into the watch's initial event, which kubectl drops as a duplicate (so would a real server).
                    await harness.Api.Requests.WaitForAsync(r => r.Request.Verb == "watch", TimeSpan.FromSeconds(20));
                    harness.Api.Store.Update(harness.Api.Store.Get(ApiVersion, "InferenceSet", "default", "phi-4-mini")!.Also(o => o["spec"]!["replicas"] = 5));
                    changed = true;
                }

                return printed.Contains("phi-4-mini 5", StringComparison.Ordinal);
            });

        Assert.Contains("phi-4-mini 1", output);
        Assert.Contains(harness.Api.Requests.Snapshot(), r => r.Request.Verb == "watch");
    }
}
