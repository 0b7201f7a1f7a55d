using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKaitoScaler.Grains.Inventory;
using OrleansKaitoScaler.Grains.Placement;
using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.Grains.Scraping;
using OrleansKaitoScaler.Grains.State;

namespace OrleansKaitoScaler.Grains;

/// <summary>Registers what InferenceSet grains need in a silo (the grain classes themselves are found by Orleans).</summary>
public static class GrainsHostingExtensions
{
    /// <summary>The scraper, the silo-local inventory and the scrape options (section <c>Scrape</c>, validated at start).</summary>
    public static IServiceCollection AddInferenceSetGrains(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ScrapeOptions>().BindConfiguration(ScrapeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InferenceSetInventory>();
        services.TryAddSingleton<IInferenceSetInventory>(sp => sp.GetRequiredService<InferenceSetInventory>());
        services.TryAddSingleton<IMetricsScraper, HttpMetricsScraper>();
        services.TryAddSingleton<InferenceSetStateRegistry>();
        services.TryAddSingleton<ScalerTelemetry>();

        // Placement, window copies on another silo, and the balancer that moves grains when silos come and go.
        services.AddOptions<BalanceOptions>().BindConfiguration(BalanceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SiloDrain>();
        services.TryAddSingleton<LocalInferenceSets>();
        services.AddPlacementDirector<RendezvousPlacement, RendezvousPlacementDirector>();
        services.AddPlacementDirector<ApartFromOwnerPlacement, ApartFromOwnerPlacementDirector>();
        services.TryAddSingleton<InferenceSetBalancer>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<InferenceSetBalancer>());
        return services;
    }
}
