using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>Each documented option, through the <c>ci/</c> values file that sets it.</summary>
public sealed class ChartValuesTests
{
    [Fact]
    public void Another_Service_name_and_port_reach_the_Service_and_the_ScaledObjects_the_scaler_writes()
    {
        var chart = Helm.Template("service-values.yaml");
        var service = chart.Single("Service");
        var port = Assert.Single(service["spec"]!["ports"]!.AsArray())!;

        Assert.Equal("keda-kaito-scaler", RenderedChart.Name(service));
        Assert.Equal((9443, "grpc"), (port["port"].AsInt(), (string?)port["targetPort"]));
        Assert.Equal("platform", (string?)service["metadata"]!["annotations"]!["example.com/owner"]);
        Assert.Equal("keda-kaito-scaler", chart.Env("Provisioning__ScalerServiceName"));
        Assert.Equal("9443", chart.Env("Provisioning__GrpcPort"));
        Assert.Equal(10450, chart.ContainerPort("grpc"));
    }

    [Fact]
    public void Other_container_ports_move_the_arguments_probes_and_Orleans_identity_with_them()
    {
        var chart = Helm.Template("ports-values.yaml");

        Assert.Equal((20450, 20451, 20452), (chart.ContainerPort("grpc"), chart.ContainerPort("metrics"), chart.ContainerPort("grpc-health")));
        Assert.Equal(("20450", "20451", "20452"), (chart.Arg("--grpc-port"), chart.Arg("--metrics-port"), chart.Arg("--health-port")));
        Assert.Equal(("21111", "40000"), (chart.Arg("--silo-port"), chart.Arg("--gateway-port")));
        Assert.Equal((21111, 40000), (chart.ContainerPort("orleans-silo"), chart.ContainerPort("orleans-gw")));
        Assert.All(new[] { "livenessProbe", "readinessProbe", "startupProbe" }, p => Assert.Equal(20452, chart.Container[p]!["grpc"]!["port"].AsInt()));
        Assert.Equal(("fleet-a", "fleet"), (chart.Env("Orleans__ClusterId"), chart.Env("Orleans__ServiceId")));
    }

    [Fact]
    public void The_scalers_own_HPA_owns_the_replica_count_and_scales_on_CPU_memory_and_extra_metrics()
    {
        var chart = Helm.Template("autoscaling-values.yaml");
        var hpa = chart.Single("HorizontalPodAutoscaler")["spec"]!;
        var metrics = hpa["metrics"]!.AsArray();

        Assert.Null(chart.Deployment["spec"]!["replicas"]);
        Assert.Equal(("Deployment", RenderedChart.Name(chart.Deployment)), ((string?)hpa["scaleTargetRef"]!["kind"], (string?)hpa["scaleTargetRef"]!["name"]));
        Assert.Equal((3, 7), (hpa["minReplicas"].AsInt(), hpa["maxReplicas"].AsInt()));
        Assert.Equal(["cpu:60", "memory:75"], metrics.Where(m => (string?)m!["type"] == "Resource")
            .Select(m => $"{m!["resource"]!["name"]}:{m["resource"]!["target"]!["averageUtilization"]}"));
        Assert.Equal("oks_grains_active", (string?)metrics.Single(m => (string?)m!["type"] == "Pods")!["pods"]!["metric"]!["name"]);
        Assert.Equal(1, chart.Single("PodDisruptionBudget")["spec"]!["minAvailable"].AsInt());
    }

    [Fact]
    public void The_ServiceMonitor_scrapes_metrics_from_the_Services_metrics_port()
    {
        var chart = Helm.Template("servicemonitor-values.yaml");
        var monitor = chart.Single("ServiceMonitor");
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;

        Assert.Equal("monitoring.coreos.com/v1", (string?)monitor["apiVersion"]);
        Assert.Equal(("metrics", "/metrics", "15s", "5s"),
            ((string?)endpoint["port"], (string?)endpoint["path"], (string?)endpoint["interval"], (string?)endpoint["scrapeTimeout"]));
        Assert.True(RenderedChart.Selects(monitor["spec"]!["selector"]!["matchLabels"], chart.Single("Service")["metadata"]!["labels"]));
        Assert.Contains(chart.Single("Service")["spec"]!["ports"]!.AsArray(), p => (string?)p!["name"] == "metrics");
        Assert.Equal("prometheus", (string?)monitor["metadata"]!["labels"]!["release"]);
    }

    [Fact]
    public void A_ServiceMonitor_without_the_metrics_port_on_the_Service_is_refused_with_a_reason()
    {
        var result = Helm.TryTemplate("servicemonitor-values.yaml", Helm.Namespace, "service.metricsPort=0");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("serviceMonitor.enabled needs service.metricsPort", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void One_replica_gets_no_disruption_budget_that_would_block_every_drain()
    {
        var chart = Helm.Template("single-replica-values.yaml");

        Assert.Equal(1, chart.Deployment["spec"]!["replicas"].AsInt());
        Assert.Empty(chart.OfKind("PodDisruptionBudget"));
    }

    [Fact]
    public void The_disruption_budget_and_anti_affinity_can_be_switched_off()
    {
        var chart = Helm.Template("no-pdb-values.yaml");

        Assert.Empty(chart.OfKind("PodDisruptionBudget"));
        Assert.Null(chart.PodSpec["affinity"]);
    }

    [Fact]
    public void An_existing_ClusterTriggerAuthentication_is_left_out_and_provisioning_can_be_off()
    {
        var chart = Helm.Template("existing-auth-values.yaml");

        Assert.Empty(chart.OfKind("ClusterTriggerAuthentication"));
        Assert.Equal("false", chart.Env("Provisioning__Enabled"));
    }

    [Fact]
    public void Scheduling_values_reach_the_pod_and_an_explicit_affinity_replaces_the_default_anti_affinity()
    {
        var chart = Helm.Template("scheduling-values.yaml");
        var pod = chart.PodSpec;

        Assert.NotNull(pod["affinity"]!["nodeAffinity"]);
        Assert.Null(pod["affinity"]!["podAntiAffinity"]);
        Assert.Equal("amd64", (string?)pod["nodeSelector"]!["kubernetes.io/arch"]);
        Assert.Equal("CriticalAddonsOnly", (string?)Assert.Single(pod["tolerations"]!.AsArray())!["key"]);
        Assert.Equal("topology.kubernetes.io/zone", (string?)Assert.Single(pod["topologySpreadConstraints"]!.AsArray())!["topologyKey"]);
        Assert.Equal("system-cluster-critical", (string?)pod["priorityClassName"]);
        var template = chart.Deployment["spec"]!["template"]!["metadata"]!;
        Assert.Equal("false", (string?)template["annotations"]!["example.com/scrape"]);
        Assert.Equal("inference", (string?)template["labels"]!["team"]);
        Assert.False(RenderedChart.Selects(JsonNode.Parse("""{"team":"inference"}"""), chart.Deployment["spec"]!["selector"]!["matchLabels"]),
            "pod labels must not change the Deployment's immutable selector");
    }

    [Fact]
    public void An_existing_ServiceAccount_is_used_and_bound_but_not_created()
    {
        var chart = Helm.Template("serviceaccount-values.yaml");

        Assert.Empty(chart.OfKind("ServiceAccount"));
        Assert.Equal("scaler-identity", (string?)chart.PodSpec["serviceAccountName"]);
        Assert.All(chart.OfKind("RoleBinding").Concat(chart.OfKind("ClusterRoleBinding")),
            b => Assert.Equal("scaler-identity", (string?)Assert.Single(b["subjects"]!.AsArray())!["name"]));
    }

    [Fact]
    public void A_ServiceAccount_without_a_name_when_not_created_is_refused()
    {
        var result = Helm.TryTemplate(null, Helm.Namespace, "serviceAccount.create=false");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("serviceAccount.name is required", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_and_names_follow_their_values()
    {
        var chart = Helm.Template("image-values.yaml");

        Assert.Equal("registry.example.com/platform/orleans-kaito-scaler:1.2.3", (string?)chart.Container["image"]);
        Assert.Equal("Always", (string?)chart.Container["imagePullPolicy"]);
        Assert.Equal("registry-creds", (string?)Assert.Single(chart.PodSpec["imagePullSecrets"]!.AsArray())!["name"]);
        Assert.Equal("kaito-scaler", RenderedChart.Name(chart.Deployment));
        Assert.Equal("oks", (string?)chart.Deployment["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]);
        Assert.Equal("keda-kaito-scaler-svc", RenderedChart.Name(chart.Single("Service")));
        Assert.Equal("keda-kaito-scaler-creds", RenderedChart.Name(chart.Single("ClusterTriggerAuthentication")));
    }

    [Fact]
    public void Runtime_values_set_logging_scraping_shutdown_resources_probes_and_extra_environment()
    {
        var chart = Helm.Template("runtime-values.yaml");

        Assert.Equal("Debug", chart.Env("Logging__LogLevel__Default"));
        Assert.Equal("00:00:05", chart.Arg("--scrape-interval"));
        Assert.Equal(90, chart.PodSpec["terminationGracePeriodSeconds"].AsInt());
        Assert.Equal("85", chart.Env("DOTNET_shutdownTimeoutSeconds"));
        Assert.Equal("true", chart.Env("Scrape__AllowUntrustedCertificates"));
        Assert.Equal("1Gi", (string?)chart.Container["resources"]!["limits"]!["memory"]);
        Assert.Equal((20, 4), (chart.Container["livenessProbe"]!["initialDelaySeconds"].AsInt(), chart.Container["livenessProbe"]!["failureThreshold"].AsInt()));
        Assert.Equal(3, chart.Container["readinessProbe"]!["periodSeconds"].AsInt());
        Assert.Equal(120, chart.Container["startupProbe"]!["failureThreshold"].AsInt());
        Assert.Equal("custom-sa", RenderedChart.Name(chart.Single("ServiceAccount")));
        Assert.NotNull(chart.Single("ServiceAccount")["metadata"]!["annotations"]!["azure.workload.identity/client-id"]);
    }
}
