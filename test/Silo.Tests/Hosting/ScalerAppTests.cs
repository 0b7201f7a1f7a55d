using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Hosting;

namespace OrleansKaitoScaler.Silo.Tests.Hosting;

public sealed class ScalerAppTests
{
    [Theory]
    [InlineData("--grpc-port", "70000", "Gateway:GrpcPort")]
    [InlineData("--silo-port", "0", "Orleans:SiloPort")]
    [InlineData("--listen", "not-an-ip", "Gateway:ListenAddress")]
    public void A_bad_flag_stops_start_up_naming_its_key(string flag, string value, string key)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ScalerApp.Build([flag, value]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_flag()
    {
        foreach (var flag in CommandLine.SwitchMappings.Keys)
        {
            Assert.Contains(flag, CommandLine.Help, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "--kubernetes" }, new[] { "--kubernetes", "true" })]
    [InlineData(new[] { "--kubernetes", "--grpc-port", "1" }, new[] { "--kubernetes", "true", "--grpc-port", "1" })]
    [InlineData(new[] { "--kubernetes", "false" }, new[] { "--kubernetes", "false" })]
    [InlineData(new[] { "--grpc-port", "1" }, new[] { "--grpc-port", "1" })]
    public void A_bare_kubernetes_switch_means_true(string[] args, string[] expected)
    {
        Assert.Equal(expected, CommandLine.Normalize(args));
    }

    [Fact]
    public void Kubernetes_mode_with_a_kubeconfig_that_does_not_exist_stops_start_up_naming_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"oks-missing-{Guid.NewGuid():N}.yaml");
        using var app = ScalerApp.Build(["--kubernetes", "--kubeconfig", missing, "--listen", "127.0.0.1", "--grpc-port", "0", "--metrics-port", "0"]);

        var error = Assert.Throws<OrleansKaitoScaler.Silo.Kubernetes.KubernetesStartupException>(
            () => app.Services.GetService(typeof(k8s.IKubernetes)));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kubernetes_setting_that_is_not_a_boolean_stops_start_up_naming_its_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => ScalerApp.Build(["--kubernetes", "maybe"]));

        Assert.Contains("Kubernetes:Enabled", error.Message, StringComparison.Ordinal);
    }
}
