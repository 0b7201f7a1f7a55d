using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;
using static OrleansKaitoScaler.Silo.Provisioning.AutoProvisioningAnnotations;
using static OrleansKaitoScaler.Silo.Tests.Provisioning.InferenceSets;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class ScaledObjectRendererTests
{
    private static readonly ProvisioningOptions s_options = new()
    {
        ScalerServiceName = "scaler",
        ScalerNamespace = "ops",
        GrpcPort = 7000,
        AuthenticationName = "creds",
        ManagedBy = "orleans-kaito-scaler",
    };

    private static JsonObject Render(InferenceSetObject set, ProvisioningOptions? options = null) =>
        new ScaledObjectRenderer(Options.Create(options ?? s_options)).Render(Requested(set));

    private static JsonNode Node(string json) => JsonNode.Parse(json)!;

    [Fact]
    public void The_ScaledObject_takes_the_InferenceSets_name_namespace_and_is_marked_and_owned()
    {
        var scaledObject = Render(Simple());

        Assert.True(JsonNode.DeepEquals(Node("""
            {"name":"phi-4","namespace":"default",
             "annotations":{"scaledobject.kaito.sh/managed-by":"orleans-kaito-scaler"},
             "ownerReferences":[{"apiVersion":"kaito.sh/v1beta1","kind":"InferenceSet","name":"phi-4","uid":"uid-1",
                                 "controller":true,"blockOwnerDeletion":true}]}
            """), scaledObject["metadata"]), scaledObject["metadata"]!.ToJsonString());
        Assert.Equal("keda.sh/v1alpha1", (string?)scaledObject["apiVersion"]);
        Assert.Equal("ScaledObject", (string?)scaledObject["kind"]);
    }

    [Fact]
    public void The_spec_targets_the_InferenceSet_polls_every_15_seconds_and_carries_the_replica_range()
    {
        var spec = Render(Simple((MinReplicas, "2"), (MaxReplicas, "4")))["spec"]!;

        Assert.True(JsonNode.DeepEquals(Node("""{"apiVersion":"kaito.sh/v1beta1","kind":"InferenceSet","name":"phi-4"}"""), spec["scaleTargetRef"]));
        Assert.Equal((15, 2, 4), ((int)spec["pollingInterval"]!, (int)spec["minReplicaCount"]!, (int)spec["maxReplicaCount"]!));
    }

    [Fact]
    public void The_simple_form_writes_one_average_value_trigger_pointing_at_the_configured_scaler()
    {
        var triggers = Render(Simple((MetricName, "vllm:num_requests_running")))["spec"]!["triggers"]!;

        Assert.True(JsonNode.DeepEquals(Node("""
            [{"type":"external","name":"keda-kaito-scaler","metricType":"AverageValue",
              "authenticationRef":{"name":"creds","kind":"ClusterTriggerAuthentication"},
              "metadata":{"inferenceSetName":"phi-4","inferenceSetNamespace":"default",
                          "scalerAddress":"scaler.ops.svc.cluster.local:7000",
                          "metricName":"vllm:num_requests_running","threshold":"10"}}]
            """), triggers), triggers.ToJsonString());
    }

    [Fact]
    public void The_simple_form_keeps_the_Go_scalers_fixed_HPA_behaviour_and_has_no_formula()
    {
        var advanced = Render(Simple())["spec"]!["advanced"]!;

        Assert.True(JsonNode.DeepEquals(Node("""
            {"horizontalPodAutoscalerConfig":{"behavior":{
              "scaleUp":{"stabilizationWindowSeconds":60,"selectPolicy":"Max","policies":[{"type":"Pods","value":1,"periodSeconds":300}],"tolerance":"0.1"},
              "scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Max","policies":[{"type":"Pods","value":1,"periodSeconds":600}],"tolerance":"0.5"}}}}
            """), advanced), advanced.ToJsonString());
    }

    [Fact]
    public void The_composite_behaviour_uses_the_evaluation_window_and_cooldowns()
    {
        var behavior = Render(Composite(GaugeMetric, (EvaluationWindow, "45"), (ScaleUpCooldown, "120"), (ScaleDownCooldown, "600")))
            ["spec"]!["advanced"]!["horizontalPodAutoscalerConfig"]!["behavior"]!;

        Assert.True(JsonNode.DeepEquals(Node("""
            {"scaleUp":{"stabilizationWindowSeconds":45,"selectPolicy":"Max","policies":[{"type":"Pods","value":1,"periodSeconds":120}],"tolerance":"0.1"},
             "scaleDown":{"stabilizationWindowSeconds":600,"selectPolicy":"Max","policies":[{"type":"Pods","value":1,"periodSeconds":600}],"tolerance":"0.1"}}
            """), behavior), behavior.ToJsonString());
    }

    [Fact]
    public void The_composite_scaling_modifiers_target_1_as_a_value_with_the_formula()
    {
        var modifiers = Render(Composite(GaugeMetric))["spec"]!["advanced"]!["scalingModifiers"]!;

        Assert.True(JsonNode.DeepEquals(Node("""
            {"target":"1","metricType":"Value",
             "formula":"(readiness_gate == 1 && vllm_num_requests_waiting > 10) ? 2.0 : ((vllm_num_requests_waiting < 1) ? 0.5 : 1.0)"}
            """), modifiers), modifiers.ToJsonString());
    }

    [Fact]
    public void The_composite_form_writes_a_value_trigger_per_metric_then_the_readiness_gate()
    {
        const string metrics = """
            - name: vllm:num_requests_waiting
              type: gauge
              upthreshold: 10
              downthreshold: 1
            - name: vllm:request_queue_time_seconds
              type: histogram
              upthreshold: 30
              downthreshold: 1
              metriccachewindow: 120
            """;
        var triggers = Render(Composite(metrics))["spec"]!["triggers"]!;

        Assert.True(JsonNode.DeepEquals(Node("""
            [{"type":"external","name":"vllm_num_requests_waiting","metricType":"Value",
              "authenticationRef":{"name":"creds","kind":"ClusterTriggerAuthentication"},
              "metadata":{"inferenceSetName":"phi-4","inferenceSetNamespace":"default","scalerAddress":"scaler.ops.svc.cluster.local:7000",
                          "metricName":"vllm:num_requests_waiting","metricSource":"modelpod","aggregation":"service-avg"}},
             {"type":"external","name":"vllm_request_queue_time_seconds","metricType":"Value",
              "authenticationRef":{"name":"creds","kind":"ClusterTriggerAuthentication"},
              "metadata":{"inferenceSetName":"phi-4","inferenceSetNamespace":"default","scalerAddress":"scaler.ops.svc.cluster.local:7000",
                          "metricName":"vllm:request_queue_time_seconds","metricSource":"modelpod","aggregation":"windowed-avg",
                          "metricCacheWindow":"120"}},
             {"type":"external","name":"readiness_gate","metricType":"Value",
              "authenticationRef":{"name":"creds","kind":"ClusterTriggerAuthentication"},
              "metadata":{"inferenceSetName":"phi-4","inferenceSetNamespace":"default","scalerAddress":"scaler.ops.svc.cluster.local:7000",
                          "metricName":"readiness_gate","aggregation":"gate"}}]
            """), triggers), triggers.ToJsonString());
    }

    [Fact]
    public void An_InferenceSet_without_a_uid_cannot_own_a_ScaledObject()
    {
        var spec = Requested(Simple()) with { Uid = null };

        Assert.Throws<ArgumentException>(() => new ScaledObjectRenderer(Options.Create(s_options)).Render(spec));
    }

    [Fact]
    public void Counter_max_and_quantile_metrics_become_rate_max_and_quantile_triggers()
    {
        var metrics = """
            - name: vllm:generation_tokens_total
              type: counter
              upthreshold: 500
              downthreshold: 100
              metriccachewindow: 120
            - name: vllm:kv_cache_usage_perc
              type: gauge
              aggregation: max
              upthreshold: 0.9
              downthreshold: 0.5
            - name: vllm:time_to_first_token_seconds
              type: histogram
              aggregation: quantile
              quantile: 0.99
              upthreshold: 2
              downthreshold: 0.5
            """;

        var triggers = Render(Composite(metrics))["spec"]!["triggers"]!.AsArray();

        var metadata = triggers.Take(3).Select(t => t!["metadata"]!).ToArray();
        Assert.Equal(["rate", "max", "quantile"], metadata.Select(m => (string?)m["aggregation"]));
        Assert.Equal(["120", null, "300"], metadata.Select(m => (string?)m["metricCacheWindow"]));
        Assert.Equal([null, null, "0.99"], metadata.Select(m => (string?)m["quantile"]));
        Assert.Equal("readiness_gate", (string?)triggers[3]!["name"]);
    }

    [Fact]
    public void Every_trigger_the_composite_form_writes_is_metadata_the_scaler_accepts_with_the_same_meaning()
    {
        var metrics = """
            - {name: vllm:generation_tokens_total, type: counter, upthreshold: 500, downthreshold: 100, metriccachewindow: 120}
            - {name: vllm:kv_cache_usage_perc, type: gauge, aggregation: max, upthreshold: 0.9, downthreshold: 0.5}
            - {name: vllm:time_to_first_token_seconds, type: histogram, aggregation: quantile, quantile: 0.99, upthreshold: 2, downthreshold: 0.5}
            - {name: vllm:num_requests_waiting, type: gauge, upthreshold: 10, downthreshold: 1}
            """;

        var parsed = Render(Composite(metrics))["spec"]!["triggers"]!.AsArray()
            .Select(t => t!["metadata"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!))
            .Select(m => OrleansKaitoScaler.Abstractions.Metadata.ScalerMetadataParser.TryParse(m, out var result, out var error)
                ? result : throw new Xunit.Sdk.XunitException(error.ToString()))
            .ToArray();

        Assert.Equal(["Rate", "Max", "Quantile", "ServiceAverage", "Gate"], parsed.Select(p => p.Aggregation.ToString()));
        Assert.Equal(TimeSpan.FromSeconds(120), parsed[0].CacheWindow);
        Assert.Equal(0.99, parsed[2].Quantile);
    }
}
