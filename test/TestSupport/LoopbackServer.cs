using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>A real Kestrel server on 127.0.0.1 (a free port unless one is given) whose routes a test maps.</summary>
public static class LoopbackServer
{
    /// <summary>Starts the server; with <paramref name="certificate"/> it speaks HTTPS only.</summary>
    public static async Task<(WebApplication App, Uri BaseUrl)> StartAsync(
        Action<WebApplication> map, int port = 0, IPAddress? address = null, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address ?? IPAddress.Loopback, port, o =>
        {
            if (certificate is not null)
            {
                o.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(bound));
    }
}
