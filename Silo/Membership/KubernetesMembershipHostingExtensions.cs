using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Messaging;
using OrleansKaitoScaler.Silo.Kubernetes;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>Composes Kubernetes membership: Orleans clustering through a ConfigMap, with no database.</summary>
internal static class KubernetesMembershipHostingExtensions
{
    /// <summary>
    /// Makes the silo keep its cluster membership in the Kubernetes API (<see cref="KubernetesMembershipTable"/>),
    /// configured from the <c>Membership</c> section and validated at start. Use instead of any other clustering
    /// (<c>UseLocalhostClustering</c>); every silo of a cluster needs the same ClusterId and namespace. The API client
    /// is the registered <see cref="IKubernetes"/> — Kubernetes mode's, when <c>AddKubernetesInventory</c> ran first —
    /// or else one from <c>Kubernetes:Kubeconfig</c>, <c>KUBECONFIG</c>, <c>~/.kube/config</c> or the service account.
    /// </summary>
    public static ISiloBuilder UseKubernetesMembership(this ISiloBuilder builder, Action<KubernetesMembershipOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKubernetesMembershipTable(configure);
        builder.Services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<KubernetesMembershipTable>());
        return builder;
    }

    /// <summary>
    /// Lets an Orleans client find gateways in the same table (<see cref="KubernetesGatewayListProvider"/>): every
    /// Active silo with a gateway port.
    /// </summary>
    public static IClientBuilder UseKubernetesMembership(this IClientBuilder builder, Action<KubernetesMembershipOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKubernetesMembershipTable(configure);
        builder.Services.AddSingleton<IGatewayListProvider, KubernetesGatewayListProvider>();
        return builder;
    }

    private static void AddKubernetesMembershipTable(this IServiceCollection services, Action<KubernetesMembershipOptions>? configure)
    {
        var options = services.AddOptions<KubernetesMembershipOptions>().BindConfiguration(KubernetesMembershipOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesMembershipOptions>, KubernetesMembershipOptionsValidator>());
        services.TryAddSingleton<IKubernetes>(sp => new k8s.Kubernetes(KubernetesModeExtensions.ClientConfiguration(
            sp.GetRequiredService<IConfiguration>()[$"{KubernetesOptions.SectionName}:{nameof(KubernetesOptions.Kubeconfig)}"])));
        services.TryAddSingleton<KubernetesMembershipTable>();
    }
}
