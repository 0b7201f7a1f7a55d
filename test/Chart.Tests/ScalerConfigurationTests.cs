using Microsoft.Extensions.Configuration;
using OrleansKaitoScaler.Silo.Hosting;
using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Chart.Tests;

/// <summary>The arguments and environment the chart gives the container are ones the scaler reads, with the meaning the chart means.</summary>
public sealed class ScalerConfigurationTests
{
    [Theory]
    [MemberData(nameof(ChartDefaultsTests.ValuesFiles), MemberType = typeof(ChartDefaultsTests))]
    public void Every_argument_the_chart_passes_is_a_flag_the_scaler_knows(string? valuesFile)
    {
        var chart = Helm.Template(valuesFile);

        Assert.All(chart.Args, arg =>
            Assert.True(CommandLine.SwitchMappings.ContainsKey(arg.Split('=')[0]), $"the scaler has no flag {arg}"));
    }

    [Theory]
    [MemberData(nameof(ChartDefaultsTests.ValuesFiles), MemberType = typeof(ChartDefaultsTests))]
    public void Every_configuration_variable_the_chart_sets_names_an_options_property(string? valuesFile)
    {
        var sections = ScalerOptions.Sections();
        var chart = Helm.Template(valuesFile);

        Assert.All(chart.PodEnvironment(Helm.Namespace).Keys.Where(k => k.Contains("__", StringComparison.Ordinal) && !k.StartsWith("Logging__", StringComparison.Ordinal)), name =>
        {
            var parts = name.Split("__");
            Assert.True(parts.Length == 2 && sections.TryGetValue(parts[0], out var type) && type.GetProperty(parts[1]) is not null,
                $"{name} sets no option: no section '{parts[0]}' with a property '{parts[^1]}'");
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ports-values.yaml")]
    public void The_scaler_listens_on_the_ports_the_container_declares_in_Kubernetes_mode(string? valuesFile)
    {
        var chart = Helm.Template(valuesFile);
        var configuration = ScalerConfiguration(chart, Helm.Namespace);

        var listen = configuration.GetSection(ListenOptions.SectionName).Get<ListenOptions>()!;
        var cluster = configuration.GetSection(LocalClusterOptions.SectionName).Get<LocalClusterOptions>()!;
        Assert.True(KubernetesOptions.IsEnabled(configuration));
        Assert.Equal((chart.ContainerPort("grpc"), chart.ContainerPort("metrics"), chart.ContainerPort("grpc-health")),
            (listen.GrpcPort, listen.MetricsPort, listen.HealthPort));
        Assert.Equal((chart.ContainerPort("orleans-silo"), chart.ContainerPort("orleans-gw")), (cluster.SiloPort, cluster.GatewayPort));
        Assert.Equal(chart.Env("Orleans__ClusterId"), cluster.ClusterId);
        Assert.Equal("kubernetes", cluster.MembershipStore);
    }

    /// <summary>What the scaler's configuration holds in the pod: its environment (<c>__</c> read as <c>:</c>) and its command line.</summary>
    internal static IConfiguration ScalerConfiguration(RenderedChart chart, string @namespace) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(chart.PodEnvironment(@namespace).Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .AddCommandLine(CommandLine.Normalize([.. chart.Args]), CommandLine.SwitchMappings.ToDictionary())
            .Build();
}
