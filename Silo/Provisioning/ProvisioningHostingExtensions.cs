using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>Composes auto-provisioning: options, the Lease, the reconciler and the provisioner hosted service.</summary>
internal static class ProvisioningHostingExtensions
{
    /// <summary>
    /// Registers the ScaledObject provisioner (Kubernetes mode only: it needs the API client and the inventory feeder
    /// that <c>AddKubernetesInventory</c> registers). <c>Provisioning:Enabled=false</c> keeps it idle.
    /// </summary>
    public static IServiceCollection AddAutoProvisioning(this IServiceCollection services)
    {
        services.AddOptions<ProvisioningOptions>().BindConfiguration(ProvisioningOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.InitialRetryDelay <= o.MaxRetryDelay, "Provisioning:InitialRetryDelay must not exceed Provisioning:MaxRetryDelay")
            .ValidateOnStart();
        services.AddOptions<LeaderElectionOptions>().BindConfiguration(LeaderElectionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaderElectionOptions>, LeaderElectionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ScaledObjectRenderer>();
        services.TryAddSingleton<InferenceSetEventRecorder>();
        services.TryAddSingleton<ScaledObjectReconciler>();
        services.TryAddSingleton<LeaseLeadership>();
        services.TryAddSingleton<ProvisioningTelemetry>();
        services.TryAddSingleton<ScaledObjectProvisioner>();
        services.AddHostedService(sp => sp.GetRequiredService<ScaledObjectProvisioner>());
        return services;
    }
}
