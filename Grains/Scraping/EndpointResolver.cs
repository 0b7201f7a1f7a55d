using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Inventory;

namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>Turns an InferenceSet's services and a scrape profile into URLs, exactly as the Go scaler forms them.</summary>
public static class EndpointResolver
{
    /// <summary>The metric sources the scaler knows; <c>modelpod</c> is one endpoint per Workspace service.</summary>
    public const string ModelPodSource = "modelpod";

    /// <summary>
    /// <c>{protocol}://{host}:{port}{path}</c> for every service; the service's own port wins over the profile's.
    /// A service whose address does not form a URL gets a null <see cref="ScrapeEndpoint.Url"/> and is recorded as a
    /// failed scrape on its own, instead of costing the other services their round.
    /// </summary>
    public static IReadOnlyList<ScrapeEndpoint> Resolve(InferenceSetSnapshot snapshot, ScrapeProfile profile)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(profile);
        var endpoints = new ScrapeEndpoint[snapshot.Services.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            var service = snapshot.Services[i];
            var port = (service.Port ?? profile.Port).ToString(CultureInfo.InvariantCulture);
            var text = $"{profile.Protocol}://{service.Host}:{port}{profile.Path}";
            endpoints[i] = new ScrapeEndpoint(service.Name, Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Port.ToString(CultureInfo.InvariantCulture) == port ? url : null, text);
        }

        return endpoints;
    }
}
