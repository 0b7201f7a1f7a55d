using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>The chart with its default values, as <c>helm install … --namespace keda</c> would apply it.</summary>
public sealed class ChartDefaultsTests
{
    private static readonly Lazy<RenderedChart> s_chart = new(() => Helm.Template());

    private static RenderedChart Chart => s_chart.Value;

    public static TheoryData<string?> ValuesFiles()
    {
        var data = new TheoryData<string?> { (string?)null };
        foreach (var file in Repository.CiValuesFiles)
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Helm_lint_passes_strictly_with_the_defaults_and_every_ci_values_file(string? valuesFile)
    {
        var result = Helm.Lint(valuesFile);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("0 chart(s) failed", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_install_is_every_object_a_replicated_scaler_needs_and_nothing_optional()
    {
        var kinds = Chart.Objects.Select(o => $"{o["kind"]}/{RenderedChart.Name(o)}").Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "ClusterRole/orleans-kaito-scaler-keda", "ClusterRoleBinding/orleans-kaito-scaler-keda",
                "ClusterTriggerAuthentication/keda-kaito-scaler-creds", "Deployment/orleans-kaito-scaler",
                "PodDisruptionBudget/orleans-kaito-scaler", "Role/orleans-kaito-scaler", "RoleBinding/orleans-kaito-scaler",
                "Service/keda-kaito-scaler-svc", "ServiceAccount/orleans-kaito-scaler",
            ],
            kinds);
        Assert.All(Chart.Objects.Where(o => (string?)o["kind"] is not ("ClusterRole" or "ClusterRoleBinding" or "ClusterTriggerAuthentication")),
            o => Assert.Equal(Helm.Namespace, RenderedChart.Namespace(o)));
    }

    [Fact]
    public void Two_replicas_run_in_Kubernetes_mode_with_the_Go_scalers_ports()
    {
        Assert.Equal(2, Chart.Deployment["spec"]!["replicas"].AsInt());
        Assert.Equal("--kubernetes", Chart.Args[0]);
        Assert.Equal((10450, 10451, 10452), (Chart.ContainerPort("grpc"), Chart.ContainerPort("metrics"), Chart.ContainerPort("grpc-health")));
        Assert.Equal(("10450", "10451", "10452"), (Chart.Arg("--grpc-port"), Chart.Arg("--metrics-port"), Chart.Arg("--health-port")));
    }

    [Fact]
    public void Probes_are_gRPC_health_checks_on_10452_with_the_Go_charts_service_names()
    {
        var container = Chart.Container;

        Assert.Equal("""{"port":10452,"service":"liveness"}""", container["livenessProbe"]!["grpc"]!.ToJsonString());
        Assert.Equal("""{"port":10452,"service":"readiness"}""", container["readinessProbe"]!["grpc"]!.ToJsonString());
        Assert.Equal("""{"port":10452,"service":"liveness"}""", container["startupProbe"]!["grpc"]!.ToJsonString());
    }

    [Fact]
    public void Replicas_prefer_different_nodes()
    {
        var term = Assert.Single(Chart.PodSpec["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!;

        Assert.Equal("kubernetes.io/hostname", (string?)term["podAffinityTerm"]!["topologyKey"]);
        Assert.True(RenderedChart.Selects(term["podAffinityTerm"]!["labelSelector"]!["matchLabels"], PodLabels()));
        Assert.Null(Chart.PodSpec["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]);
    }

    [Fact]
    public void A_disruption_budget_keeps_one_scaler_pod_available()
    {
        var pdb = Chart.Single("PodDisruptionBudget");

        Assert.Equal(1, pdb["spec"]!["minAvailable"].AsInt());
        Assert.True(RenderedChart.Selects(pdb["spec"]!["selector"]!["matchLabels"], PodLabels()));
    }

    [Fact]
    public void The_pod_runs_non_root_on_a_read_only_root_file_system_with_no_capabilities_and_a_writable_tmp()
    {
        var pod = Chart.PodSpec["securityContext"]!;
        var container = Chart.Container["securityContext"]!;

        Assert.True((bool)pod["runAsNonRoot"]!);
        Assert.NotEqual(0, pod["runAsUser"].AsInt());
        Assert.Equal("RuntimeDefault", (string?)pod["seccompProfile"]!["type"]);
        Assert.True((bool)container["readOnlyRootFilesystem"]!);
        Assert.False((bool)container["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], container["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        var mount = Assert.Single(Chart.Container["volumeMounts"]!.AsArray())!;
        Assert.Equal("/tmp", (string?)mount["mountPath"]);
        var volume = Assert.Single(Chart.PodSpec["volumes"]!.AsArray())!;
        Assert.Equal((string?)mount["name"], (string?)volume["name"]);
        Assert.NotNull(volume["emptyDir"]);
    }

    [Fact]
    public void The_pod_knows_its_name_namespace_and_IP_from_the_downward_API()
    {
        Assert.Equal("metadata.name", FieldRef("POD_NAME"));
        Assert.Equal("metadata.namespace", FieldRef("POD_NAMESPACE"));
        Assert.Equal("status.podIP", FieldRef("POD_IP"));

        static string? FieldRef(string name) => (string?)Chart.EnvEntry(name)!["valueFrom"]!["fieldRef"]!["fieldPath"];
    }

    [Fact]
    public void Every_replica_joins_one_Orleans_cluster_named_for_the_release()
    {
        Assert.Equal(Helm.Release, Chart.Env("Orleans__ClusterId"));
        Assert.Equal(Helm.Release, Chart.Env("Orleans__ServiceId"));
    }

    [Fact]
    public void Shutdown_leaves_time_to_hand_grains_over_and_the_host_stops_before_the_kubelet_kills_it()
    {
        var grace = Chart.PodSpec["terminationGracePeriodSeconds"].AsInt();

        Assert.True(grace >= 60, $"terminationGracePeriodSeconds {grace}");
        Assert.InRange(int.Parse(Chart.Env("DOTNET_shutdownTimeoutSeconds"), System.Globalization.CultureInfo.InvariantCulture), 1, grace - 1);
        Assert.Equal(0, Chart.Deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"].AsInt());
    }

    [Fact]
    public void The_Service_keda_kaito_scaler_svc_serves_gRPC_on_10450_and_metrics_on_10451_from_the_scaler_pods()
    {
        var service = Chart.Single("Service");
        var ports = service["spec"]!["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);

        Assert.Equal("keda-kaito-scaler-svc", RenderedChart.Name(service));
        Assert.True(RenderedChart.Selects(service["spec"]!["selector"], PodLabels()));
        Assert.Equal((10450, "grpc"), (ports["grpc"]["port"].AsInt(), (string?)ports["grpc"]["targetPort"]));
        Assert.Equal((10451, "metrics"), (ports["metrics"]["port"].AsInt(), (string?)ports["metrics"]["targetPort"]));
        Assert.Equal(RenderedChart.Name(service), Chart.Env("Provisioning__ScalerServiceName"));
        Assert.Equal("10450", Chart.Env("Provisioning__GrpcPort"));
    }

    [Fact]
    public void The_ClusterTriggerAuthentication_hands_KEDA_the_same_Secrets_and_keys_as_the_Go_scaler()
    {
        var auth = Chart.Single("ClusterTriggerAuthentication");

        Assert.Equal("keda.sh/v1alpha1", (string?)auth["apiVersion"]);
        Assert.Equal("keda-kaito-scaler-creds", RenderedChart.Name(auth));
        Assert.Null(RenderedChart.Namespace(auth));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            [{"parameter":"caCert","name":"keda-kaito-scaler-server-certs","key":"ca.crt"},
             {"parameter":"tlsClientCert","name":"keda-kaito-scaler-client-certs","key":"tls.crt"},
             {"parameter":"tlsClientKey","name":"keda-kaito-scaler-client-certs","key":"tls.key"}]
            """), auth["spec"]!["secretTargetRef"]), auth["spec"]!.ToJsonString());
    }

    [Fact]
    public void Neither_an_HPA_nor_a_ServiceMonitor_is_rendered_by_default()
    {
        Assert.Empty(Chart.OfKind("HorizontalPodAutoscaler"));
        Assert.Empty(Chart.OfKind("ServiceMonitor"));
    }

    private static JsonNode PodLabels() => Chart.Deployment["spec"]!["template"]!["metadata"]!["labels"]!;
}
