using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class LeaderElectionOptionsTests
{
    private static IServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddAutoProvisioning().BuildServiceProvider();
    }

    [Fact]
    public void Defaults_are_client_gos_timings_and_the_Go_scalers_Lease_name()
    {
        var options = Services().GetRequiredService<IOptions<LeaderElectionOptions>>().Value;

        Assert.Equal(
            ("keda-kaito-scaler", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), true),
            (options.LeaseName, options.LeaseDuration, options.RenewDeadline, options.RetryPeriod, options.ReleaseOnShutdown));
    }

    [Theory]
    [InlineData("LeaderElection:LeaseDuration", "00:00:10", "LeaderElection:LeaseDuration 00:00:10 must be longer than LeaderElection:RenewDeadline")]
    [InlineData("LeaderElection:LeaseDuration", "00:00:15.5", "LeaderElection:LeaseDuration 00:00:15.5000000 must be a whole number of seconds")]
    [InlineData("LeaderElection:RetryPeriod", "00:00:09", "LeaderElection:RenewDeadline 00:00:10 must be longer than 1.2 × LeaderElection:RetryPeriod")]
    [InlineData("LeaderElection:LeaseName", "Not_A_Name", "LeaseName")]
    public void Timings_that_could_let_two_leaders_overlap_or_a_bad_name_stop_start_up_naming_the_key(string key, string value, string message)
    {
        var services = Services((key, value));

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LeaderElectionOptions>>().Value);

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_delays_out_of_order_stop_start_up_naming_both_keys()
    {
        var services = Services(("Provisioning:InitialRetryDelay", "00:00:10"), ("Provisioning:MaxRetryDelay", "00:00:01"));

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ProvisioningOptions>>().Value);

        Assert.Contains("Provisioning:InitialRetryDelay must not exceed Provisioning:MaxRetryDelay", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_identity_is_the_configured_one_else_POD_NAME_else_the_host_name_with_a_random_suffix()
    {
        Assert.Equal("mine", LeaderElectionOptions.ResolveIdentity(" mine ", _ => "pod-1"));
        Assert.Equal("pod-1", LeaderElectionOptions.ResolveIdentity(null, v => v == "POD_NAME" ? "pod-1" : null));
        var first = LeaderElectionOptions.ResolveIdentity(null, _ => null);
        var second = LeaderElectionOptions.ResolveIdentity("", _ => "");

        Assert.StartsWith(Environment.MachineName + "_", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }
}
