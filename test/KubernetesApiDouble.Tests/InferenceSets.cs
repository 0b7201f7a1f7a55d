using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

/// <summary>The InferenceSet resource of the fixture CRD, and small objects of it for tests.</summary>
internal static class InferenceSets
{
    public const string Group = "kaito.sh";
    public const string V1beta1 = "v1beta1";
    public const string Plural = "inferencesets";
    public const string ApiVersion = Group + "/" + V1beta1;

    public static JsonObject New(string name, int replicas = 1, string @namespace = "default", IDictionary<string, string>? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = @namespace };
        if (labels is not null)
        {
            metadata["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        }

        return new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "InferenceSet",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["labelSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["apps"] = name } },
                ["template"] = new JsonObject
                {
                    ["inference"] = new JsonObject { ["preset"] = new JsonObject { ["name"] = "phi-4-mini-instruct" } },
                    ["resource"] = new JsonObject { ["instanceType"] = "Standard_NC24ads_A100_v4" },
                },
            },
        };
    }

    public static string ResourceVersion(JsonObject obj) => obj["metadata"]!["resourceVersion"]!.GetValue<string>();

    public static long Replicas(JsonObject obj) => obj["spec"]!["replicas"]!.GetValue<long>();
}
