using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Silo.Kubernetes;

/// <summary>Composes Kubernetes mode: the API client, the start-up check and the watch-fed inventory.</summary>
internal static class KubernetesModeExtensions
{
    /// <summary>
    /// Registers Kubernetes mode. Call before <c>UseOrleans</c>: hosted services start in registration order, and the
    /// required-API check must stop start-up before the silo joins anything.
    /// </summary>
    public static IServiceCollection AddKubernetesInventory(this IServiceCollection services)
    {
        services.AddOptions<KubernetesOptions>().BindConfiguration(KubernetesOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.InitialBackoff <= o.MaxBackoff, "Kubernetes:InitialBackoff must not exceed Kubernetes:MaxBackoff")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IKubernetes>(sp => new k8s.Kubernetes(ClientConfiguration(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<KubernetesOptions>>().Value.Kubeconfig)));
        services.TryAddSingleton<InferenceSetInventory>();
        services.TryAddSingleton<IInferenceSetInventory>(sp => sp.GetRequiredService<InferenceSetInventory>());
        services.AddHostedService<RequiredApiCheck>();
        services.TryAddSingleton<KubernetesInventoryFeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<KubernetesInventoryFeeder>());
        return services;
    }

    /// <summary>
    /// The kubeconfig given (<c>--kubeconfig</c>), else kubectl's order: <c>KUBECONFIG</c>, <c>~/.kube/config</c>, the
    /// in-cluster service account. A configuration that cannot be loaded stops start-up naming where it looked.
    /// </summary>
    public static KubernetesClientConfiguration ClientConfiguration(string? kubeconfig)
    {
        try
        {
            return string.IsNullOrWhiteSpace(kubeconfig)
                ? KubernetesClientConfiguration.BuildDefaultConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException)
        {
            throw new KubernetesStartupException(
                $"cannot load the Kubernetes client configuration ({(string.IsNullOrWhiteSpace(kubeconfig) ? "KUBECONFIG, ~/.kube/config or in-cluster" : $"--kubeconfig '{kubeconfig}'")}): {e.Message}", e);
        }
    }
}
