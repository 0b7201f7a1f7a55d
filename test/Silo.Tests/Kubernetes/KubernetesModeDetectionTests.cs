using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Tests.Kubernetes;

/// <summary>Kubernetes mode turns itself on inside a pod, told by the variable the kubelet sets, unless configured.</summary>
public sealed class KubernetesModeDetectionTests
{
    [Theory]
    [InlineData(null, "10.96.0.1", true)]
    [InlineData(null, null, false)]
    [InlineData(null, "", false)]
    [InlineData("false", "10.96.0.1", false)]
    [InlineData("False", "10.96.0.1", false)]
    [InlineData("true", null, true)]
    [InlineData(" ", "10.96.0.1", true)]
    public void The_setting_wins_and_without_one_a_pod_is_told_by_KUBERNETES_SERVICE_HOST(string? configured, string? serviceHost, bool expected)
    {
        var asked = new List<string>();

        var enabled = KubernetesOptions.IsEnabled(Configuration(configured), name =>
        {
            asked.Add(name);
            return name == "KUBERNETES_SERVICE_HOST" ? serviceHost : null;
        });

        Assert.Equal(expected, enabled);
        Assert.Equal(string.IsNullOrWhiteSpace(configured) ? ["KUBERNETES_SERVICE_HOST"] : [], asked);
    }

    [Fact]
    public void A_setting_that_is_not_a_boolean_stops_start_up_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => KubernetesOptions.IsEnabled(Configuration("yes"), _ => "10.96.0.1"));

        Assert.Contains("Kubernetes:Enabled 'yes' is not true or false", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? enabled) =>
        new ConfigurationBuilder().AddInMemoryCollection(enabled is null ? [] : [new("Kubernetes:Enabled", enabled)]).Build();
}
