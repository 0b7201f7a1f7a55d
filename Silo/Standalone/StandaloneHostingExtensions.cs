using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Silo.Standalone;

/// <summary>Composes standalone mode: the YAML inventory file and its watcher.</summary>
internal static class StandaloneHostingExtensions
{
    public static IServiceCollection AddStandaloneInventory(this IServiceCollection services)
    {
        services.AddOptions<StandaloneOptions>().BindConfiguration(StandaloneOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InferenceSetInventory>();
        services.TryAddSingleton<IInferenceSetInventory>(sp => sp.GetRequiredService<InferenceSetInventory>());
        services.AddHostedService<InventoryFileWatcher>();
        return services;
    }
}
