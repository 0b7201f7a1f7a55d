using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Membership;

namespace OrleansKaitoScaler.Silo.Tests.Membership;

public sealed class KubernetesMembershipOptionsTests
{
    private static ValidateOptionsResult Validate(Action<KubernetesMembershipOptions> change)
    {
        var options = new KubernetesMembershipOptions { Namespace = "orleans" };
        change(options);
        return new KubernetesMembershipOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void The_defaults_are_valid() => Assert.True(Validate(_ => { }).Succeeded);

    [Theory]
    [InlineData("Orleans")]
    [InlineData("my_namespace")]
    [InlineData("-orleans")]
    [InlineData("")]
    public void A_namespace_that_is_not_a_DNS_label_is_refused_naming_the_key(string value)
    {
        var result = Validate(o => o.Namespace = value);

        Assert.True(result.Failed);
        Assert.Contains("Membership:Namespace", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Orleans-")]
    [InlineData("-orleans")]
    [InlineData("orleans.membership-")]
    [InlineData("a-prefix-that-is-much-too-long-for-any-name-")]
    public void A_bad_ConfigMap_name_prefix_is_refused_naming_the_key(string value)
    {
        var result = Validate(o => o.ConfigMapNamePrefix = value);

        Assert.True(result.Failed);
        Assert.Contains("Membership:ConfigMapNamePrefix", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Conflict_retries_outside_0_to_100_are_refused(int value) =>
        Assert.Contains("Membership:MaxConflictRetries", Validate(o => o.MaxConflictRetries = value).FailureMessage, StringComparison.Ordinal);

    [Fact]
    public void The_namespace_defaults_to_POD_NAMESPACE_then_the_service_account_then_default()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-file\n");
            Assert.Equal("from-env", OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(KubernetesMembershipOptions.FallbackNamespace, n => n == "POD_NAMESPACE" ? "from-env" : null, file));
            Assert.Equal("from-file", OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(KubernetesMembershipOptions.FallbackNamespace, _ => null, file));
            Assert.Equal("default", OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(KubernetesMembershipOptions.FallbackNamespace, _ => null, "/nonexistent/namespace"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_bad_value_stops_the_host_before_the_silo_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Membership:Namespace"] = "Not A Namespace" });
        builder.Services.AddSingleton<k8s.IKubernetes>(new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }));
        builder.UseOrleans(silo => silo.UseKubernetesMembership());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Membership:Namespace", error.Message, StringComparison.Ordinal);
    }
}
