using System.Text.Json.Nodes;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>The objects <c>helm template</c> printed, read as the API server would hold them, with lookups by kind.</summary>
internal sealed class RenderedChart
{
    public RenderedChart(string yaml)
    {
        Objects = [.. YamlJson.ConvertAll(yaml).Select(d => Assert.IsType<JsonObject>(d))];
    }

    public IReadOnlyList<JsonObject> Objects { get; }

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    /// <summary>The one object of this kind; fails when there are none or several.</summary>
    public JsonObject Single(string kind) => Assert.Single(OfKind(kind));

    public JsonObject Deployment => Single("Deployment");

    public JsonObject PodSpec => Deployment["spec"]!["template"]!["spec"]!.AsObject();

    public JsonObject Container => Assert.Single(PodSpec["containers"]!.AsArray())!.AsObject();

    public IReadOnlyList<string> Args => [.. Container["args"]!.AsArray().Select(a => (string)a!)];

    /// <summary>The value of <c>--flag=value</c> in the container's arguments, or null.</summary>
    public string? Arg(string flag) =>
        Args.Where(a => a.StartsWith(flag + "=", StringComparison.Ordinal)).Select(a => a[(flag.Length + 1)..]).SingleOrDefault();

    public JsonObject? EnvEntry(string name) =>
        Container["env"]!.AsArray().Select(e => e!.AsObject()).SingleOrDefault(e => (string?)e["name"] == name);

    /// <summary>A literal environment variable's value (fails for a missing or downward-API one).</summary>
    public string Env(string name) => (string?)(EnvEntry(name) ?? throw new Xunit.Sdk.XunitException($"no env {name}"))["value"]
        ?? throw new Xunit.Sdk.XunitException($"env {name} has no literal value");

    /// <summary>
    /// The container's environment as the kubelet would give it in <paramref name="namespace"/>: literal values, and the
    /// downward API's pod name, namespace and IP.
    /// </summary>
    public Dictionary<string, string> PodEnvironment(string @namespace) =>
        Container["env"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!, e =>
            (string?)e["value"] ?? (string?)e["valueFrom"]!["fieldRef"]!["fieldPath"] switch
            {
                "metadata.name" => "orleans-kaito-scaler-5d8f7c9b4-x2x7q",
                "metadata.namespace" => @namespace,
                "status.podIP" => "10.244.1.17",
                var other => throw new Xunit.Sdk.XunitException($"unexpected fieldRef {other}"),
            });

    public int ContainerPort(string name) =>
        Container["ports"]!.AsArray().Single(p => (string?)p!["name"] == name)!["containerPort"].AsInt();

    public static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    public static string? Namespace(JsonObject o) => (string?)o["metadata"]!["namespace"];

    /// <summary>True when every label in <paramref name="selector"/> is on <paramref name="labels"/>.</summary>
    public static bool Selects(JsonNode? selector, JsonNode? labels) =>
        selector is JsonObject s && s.Count > 0 && labels is JsonObject l
        && s.All(p => l.TryGetPropertyValue(p.Key, out var v) && (string?)v == (string?)p.Value);
}

/// <summary>Numbers read from YAML are <see cref="long"/>s (<see cref="YamlJson"/>); ports and counts fit an int.</summary>
internal static class JsonNumbers
{
    public static int AsInt(this JsonNode? node) =>
        checked((int)(node ?? throw new Xunit.Sdk.XunitException("expected a number, found nothing")).GetValue<long>());
}
