using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansKaitoScaler.Silo.Standalone;

/// <summary>
/// Reads the standalone inventory YAML (see README, "Standalone inventory"). Every mistake is reported with
/// the path of the offending entry so the previous inventory can be kept and the user told exactly what to fix.
/// </summary>
internal static class InventoryFile
{
    public static IReadOnlyList<InferenceSetSnapshot> Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InventoryFileException($"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        var root = Mapping(stream.Documents[0].RootNode, "the document");
        var result = new List<InferenceSetSnapshot>();
        if (!root.Children.TryGetValue(new YamlScalarNode("inferenceSets"), out var list) || list is YamlScalarNode { Value: null or "" })
        {
            return result;
        }

        if (list is not YamlSequenceNode sequence)
        {
            throw new InventoryFileException("'inferenceSets' must be a list");
        }

        var seen = new HashSet<InferenceSetKey>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var snapshot = ParseInferenceSet(sequence.Children[i], $"inferenceSets[{i}]");
            if (!seen.Add(snapshot.Key))
            {
                throw new InventoryFileException($"inferenceSets[{i}]: {snapshot.Key} is listed twice");
            }

            result.Add(snapshot);
        }

        return result;
    }

    private static InferenceSetSnapshot ParseInferenceSet(YamlNode node, string path)
    {
        var map = Mapping(node, path);
        var ns = RequiredString(map, "namespace", path);
        var name = RequiredString(map, "name", path);
        var ready = Optional(map, "ready", path, bool.Parse, "true or false") ?? false;
        var replicas = Optional(map, "replicas", path, NonNegativeInt, "a non-negative integer");
        var readyReplicas = Optional(map, "readyReplicas", path, NonNegativeInt, "a non-negative integer");
        var services = new List<InferenceSetService>();
        if (map.Children.TryGetValue(new YamlScalarNode("services"), out var servicesNode) && servicesNode is not YamlScalarNode { Value: null or "" })
        {
            if (servicesNode is not YamlSequenceNode serviceList)
            {
                throw new InventoryFileException($"{path}.services must be a list");
            }

            for (var j = 0; j < serviceList.Children.Count; j++)
            {
                var servicePath = $"{path}.services[{j}]";
                var service = Mapping(serviceList.Children[j], servicePath);
                var serviceName = RequiredString(service, "name", servicePath);
                var host = RequiredString(service, "host", servicePath);
                if (Uri.CheckHostName(host) is UriHostNameType.Unknown || host.Contains(':', StringComparison.Ordinal))
                {
                    throw new InventoryFileException($"{servicePath}.host '{host}' is not a host name or IPv4 address (give the port as 'port')");
                }

                if (services.Any(s => s.Name == serviceName))
                {
                    // Samples are kept per service name: two replicas sharing one would read as one restarting series.
                    throw new InventoryFileException($"{servicePath}.name '{serviceName}' is listed twice in {path}");
                }

                services.Add(new InferenceSetService(serviceName, host, Optional(service, "port", servicePath, Port, "a port number 1-65535")));
            }
        }

        return new InferenceSetSnapshot(new InferenceSetKey(ns, name), ready, replicas, readyReplicas, services);
    }

    private static YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw new InventoryFileException($"{path} must be a mapping");

    private static string RequiredString(YamlMappingNode map, string key, string path)
    {
        var value = map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? (node as YamlScalarNode)?.Value : null;
        return string.IsNullOrWhiteSpace(value) ? throw new InventoryFileException($"{path}.{key} is required") : value.Trim();
    }

    private static T? Optional<T>(YamlMappingNode map, string key, string path, Func<string, T> parse, string expected)
        where T : struct
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        var text = (node as YamlScalarNode)?.Value;
        try
        {
            return parse(text ?? throw new FormatException());
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InventoryFileException($"{path}.{key} must be {expected}, not '{text ?? node.NodeType.ToString()}'");
        }
    }

    private static int NonNegativeInt(string text)
    {
        var value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value >= 0 ? value : throw new FormatException();
    }

    private static int Port(string text)
    {
        var value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value is >= 1 and <= 65535 ? value : throw new FormatException();
    }
}
