using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>
/// ScaledObjects written for the Go keda-kaito-scaler keep working after switching to this chart: their
/// <c>scalerAddress</c> reaches our gRPC port through our Service and their <c>authenticationRef</c> names our
/// ClusterTriggerAuthentication.
/// </summary>
public sealed partial class GoCompatibilityTests
{
    [Fact]
    public void The_address_the_Go_scaler_writes_under_its_own_chart_reaches_our_scaler_installed_in_keda()
    {
        // The Go provisioner writes "<ScalerServiceName>.<WorkingNamespace>.svc.cluster.local:<GrpcPort>"; its chart
        // passes the release namespace as --working-namespace and leaves the name and port at the Service it renders.
        var goChart = Fixtures.Text("keda-kaito-scaler", "chart", "keda-kaito-scaler.yaml");
        var goService = goChart.Split("\n---").Single(d => d.Contains("kind: Service\n", StringComparison.Ordinal));
        var goServiceName = ServiceName().Match(goService).Groups[1].Value;
        var goPort = (long)YamlJson.Convert(Fixtures.Text("keda-kaito-scaler", "chart", "values.yaml"))!["ports"]!["grpc"]!;
        var address = FormattableString.Invariant($"{goServiceName}.keda.svc.cluster.local:{goPort}");

        Assert.Equal("keda-kaito-scaler-svc.keda.svc.cluster.local:10450", address);
        Assert.Null(Unresolved(Helm.Template(), address));
    }

    public static TheoryData<string> GoReadmeScaledObjects() =>
        ["readme_scaledobject_rendered_single_metric.yaml", "readme_scaledobject_rendered_multi_metric.yaml"];

    [Theory]
    [MemberData(nameof(GoReadmeScaledObjects))]
    public void Every_trigger_of_a_Go_README_ScaledObject_names_our_ClusterTriggerAuthentication(string fixture)
    {
        var chart = Helm.Template();

        Assert.All(ExternalTriggers(fixture), trigger =>
        {
            var reference = trigger["authenticationRef"]!;
            Assert.Equal("ClusterTriggerAuthentication", (string?)reference["kind"]);
            var auth = chart.OfKind("ClusterTriggerAuthentication").SingleOrDefault(a => RenderedChart.Name(a) == (string?)reference["name"]);
            Assert.True(auth is not null, $"the chart renders no ClusterTriggerAuthentication {reference["name"]}");
            Assert.Equal(["caCert", "tlsClientCert", "tlsClientKey"], auth["spec"]!["secretTargetRef"]!.AsArray().Select(r => (string?)r!["parameter"]));
        });
    }

    [Theory]
    [MemberData(nameof(GoReadmeScaledObjects))]
    public void The_Go_READMEs_illustrative_address_is_served_by_setting_its_namespace_Service_name_and_port(string fixture)
    {
        // The README's example says keda-kaito-scaler.keda-kaito-scaler.svc.cluster.local:9443, which neither the Go
        // chart (keda-kaito-scaler-svc:10450) nor our defaults serve; installing into that namespace with
        // ci/service-values.yaml (service.name keda-kaito-scaler, service.grpcPort 9443) does.
        var addresses = ExternalTriggers(fixture).Select(t => (string)t["metadata"]!["scalerAddress"]!).Distinct().ToList();
        var address = Assert.Single(addresses);
        var @namespace = address.Split('.')[1];

        Assert.NotNull(Unresolved(Helm.Template(), address));
        Assert.Null(Unresolved(Helm.Template("service-values.yaml", @namespace), address));
    }

    [Theory]
    [InlineData(null, "keda")]
    [InlineData("service-values.yaml", "keda-kaito-scaler")]
    [InlineData("ports-values.yaml", "platform")]
    public void The_ScaledObjects_our_scaler_writes_reach_the_Service_the_chart_renders(string? valuesFile, string @namespace)
    {
        var chart = Helm.Template(valuesFile, @namespace);
        var configuration = ScalerConfigurationTests.ScalerConfiguration(chart, @namespace);
        var environment = chart.PodEnvironment(@namespace);
        var options = new ProvisioningOptions { ScalerNamespace = PodNamespace.Or("keda", n => environment.GetValueOrDefault(n), "/nonexistent") };
        configuration.GetSection(ProvisioningOptions.SectionName).Bind(options);

        Assert.Null(Unresolved(chart, options.ScalerAddress));
        Assert.Contains(chart.OfKind("ClusterTriggerAuthentication"), a => RenderedChart.Name(a) == options.AuthenticationName);
    }

    /// <summary>
    /// Follows <c>host:port</c> as KEDA's gRPC client would: the Service named by the host in its namespace, the port,
    /// its target port in the scaler container, which must be where the scaler serves gRPC. Null when it gets there,
    /// else where it stopped.
    /// </summary>
    private static string? Unresolved(RenderedChart chart, string address)
    {
        var match = ServiceAddress().Match(address);
        if (!match.Success)
        {
            return $"'{address}' is not <service>.<namespace>[.svc[.cluster.local]]:<port>";
        }

        var (name, @namespace, port) = (match.Groups["name"].Value, match.Groups["ns"].Value, int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
        var service = chart.OfKind("Service").SingleOrDefault(s => RenderedChart.Name(s) == name && RenderedChart.Namespace(s) == @namespace);
        if (service is null)
        {
            return $"no Service {@namespace}/{name}";
        }

        if (!RenderedChart.Selects(service["spec"]!["selector"], chart.Deployment["spec"]!["template"]!["metadata"]!["labels"]))
        {
            return $"Service {name} does not select the scaler pods";
        }

        var servicePort = service["spec"]!["ports"]!.AsArray().SingleOrDefault(p => p!["port"].AsInt() == port);
        if (servicePort is null)
        {
            return $"Service {name} has no port {port}";
        }

        var target = servicePort["targetPort"]!;
        var containerPort = target.GetValueKind() == System.Text.Json.JsonValueKind.Number ? target.AsInt() : chart.ContainerPort((string)target!);
        var grpcPort = int.Parse(chart.Arg("--grpc-port") ?? "10450", CultureInfo.InvariantCulture);
        return containerPort == grpcPort ? null : $"Service {name}:{port} targets container port {containerPort}, the scaler serves gRPC on {grpcPort}";
    }

    private static IEnumerable<JsonNode> ExternalTriggers(string fixture) =>
        YamlJson.Convert(Fixtures.Text("keda-kaito-scaler", fixture))!["spec"]!["triggers"]!.AsArray()
            .Where(t => (string?)t!["type"] == "external").Select(t => t!);

    [GeneratedRegex(@"^(?<name>[a-z0-9-]+)\.(?<ns>[a-z0-9-]+)(\.svc(\.cluster\.local)?)?:(?<port>[0-9]+)$")]
    private static partial Regex ServiceAddress();

    [GeneratedRegex(@"(?m)^metadata:\n  name: (\S+)")]
    private static partial Regex ServiceName();
}
