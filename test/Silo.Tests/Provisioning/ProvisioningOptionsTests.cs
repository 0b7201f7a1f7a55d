using System.ComponentModel.DataAnnotations;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

public sealed class ProvisioningOptionsTests
{
    private static List<ValidationResult> Validate(ProvisioningOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Defaults_match_the_Go_scaler_and_its_chart()
    {
        var options = new ProvisioningOptions { ScalerNamespace = "keda" };

        Assert.Equal(
            ("keda-kaito-scaler-svc", 10450, "keda-kaito-scaler-creds", "keda-kaito-scaler"),
            (options.ScalerServiceName, options.GrpcPort, options.AuthenticationName, options.ManagedBy));
        Assert.Equal("keda-kaito-scaler-svc.keda.svc.cluster.local:10450", options.ScalerAddress);
        Assert.Empty(Validate(options));
    }

    [Fact]
    public void The_scaler_namespace_defaults_to_POD_NAMESPACE()
    {
        var ns = OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(ProvisioningOptions.FallbackNamespace, name => name == "POD_NAMESPACE" ? "kaito-scaler" : null, "/nonexistent");

        Assert.Equal("kaito-scaler", ns);
    }

    [Fact]
    public void Without_POD_NAMESPACE_the_service_account_namespace_file_is_read()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "scalers\n");

            Assert.Equal("scalers", OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(ProvisioningOptions.FallbackNamespace, _ => null, file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Outside_a_pod_the_scaler_namespace_defaults_to_keda()
    {
        Assert.Equal("keda", OrleansKaitoScaler.Silo.Kubernetes.PodNamespace.Or(ProvisioningOptions.FallbackNamespace, _ => " ", "/nonexistent/namespace"));
    }

    [Theory]
    [InlineData(nameof(ProvisioningOptions.ScalerServiceName), "Keda_Scaler")]
    [InlineData(nameof(ProvisioningOptions.ScalerNamespace), "")]
    [InlineData(nameof(ProvisioningOptions.ScalerNamespace), "a.b")]
    [InlineData(nameof(ProvisioningOptions.AuthenticationName), "-creds")]
    [InlineData(nameof(ProvisioningOptions.ManagedBy), "")]
    public void Invalid_names_fail_validation_naming_the_setting(string property, string value)
    {
        var options = new ProvisioningOptions { ScalerNamespace = "keda" };
        typeof(ProvisioningOptions).GetProperty(property)!.SetValue(options, value);

        Assert.Contains(property, Assert.Single(Validate(options)).MemberNames);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void The_gRPC_port_must_be_a_port_number(int port)
    {
        var options = new ProvisioningOptions { ScalerNamespace = "keda", GrpcPort = port };

        Assert.Contains(nameof(ProvisioningOptions.GrpcPort), Assert.Single(Validate(options)).MemberNames);
    }
}
