using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Security;

namespace OrleansKaitoScaler.Silo.Tests.Security;

public sealed class CertificateOptionsTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData("false", true, false)]
    [InlineData("False", true, false)]
    [InlineData("true", true, true)]
    [InlineData("false", false, false)]
    public void MTLS_is_on_by_default_in_Kubernetes_mode_only_and_can_be_turned_off(string? configured, bool kubernetes, bool expected)
    {
        Assert.Equal(expected, CertificateOptions.IsEnabled(Configuration(configured), kubernetes));
    }

    [Fact]
    public void Turning_mTLS_on_in_standalone_mode_stops_start_up_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CertificateOptions.IsEnabled(Configuration("true"), kubernetes: false));

        Assert.Contains("Certificates:Enabled=true needs Kubernetes mode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_not_a_boolean_stops_start_up_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CertificateOptions.IsEnabled(Configuration("yes"), kubernetes: true));

        Assert.Contains("Certificates:Enabled 'yes'", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? enabled) =>
        new ConfigurationBuilder().AddInMemoryCollection(enabled is null ? [] : [new("Certificates:Enabled", enabled)]).Build();
}
