using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansKaitoScaler.GrpcGateway;
using OrleansKaitoScaler.Silo.Provisioning;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>Composes mTLS on the KEDA gRPC port: certificates in Secrets, their renewal, the watch that reloads them, and Kestrel's checks.</summary>
internal static class SecurityHostingExtensions
{
    /// <summary>The service key of the <see cref="TimeProvider"/> that certificate issuing, renewal and client checks read.</summary>
    public const string ClockKey = "certificates";

    /// <summary>
    /// Registers the certificate services (Kubernetes mode: needs the API client). Tests may register a keyed
    /// <see cref="TimeProvider"/> under <see cref="ClockKey"/> first; otherwise it is the system clock.
    /// </summary>
    public static IServiceCollection AddScalerCertificates(this IServiceCollection services)
    {
        services.AddOptions<CertificateOptions>().BindConfiguration(CertificateOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.Lifetime <= o.CaLifetime, "Certificates:Lifetime must not exceed Certificates:CaLifetime")
            .Validate(o => o.RolloverOverlap * 3 < o.CaLifetime, "Certificates:RolloverOverlap must be under a third of Certificates:CaLifetime")
            .ValidateOnStart();
        services.AddOptions<ProvisioningOptions>().BindConfiguration(ProvisioningOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(ClockKey, TimeProvider.System);
        services.TryAddSingleton(sp => new ServerCredentials(sp.GetRequiredKeyedService<TimeProvider>(ClockKey), sp.GetRequiredService<ILogger<ServerCredentials>>()));
        services.AddHostedService<CertificateRotator>();
        services.AddHostedService<ServerSecretWatcher>();
        services.AddHealthChecks().AddCheck<ServerCertificateHealthCheck>(ServerCertificateHealthCheck.Name, tags: [GatewayHostingExtensions.ReadinessTag]);
        return services;
    }

    /// <summary>
    /// TLS 1.2+ on this endpoint with the current server certificate, and a client certificate required that chains
    /// to our CA bundle: none, self-signed, another CA's or an expired one ends the handshake.
    /// </summary>
    public static void UseKedaMutualTls(this Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var credentials = listen.ApplicationServices.GetRequiredService<ServerCredentials>();
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => credentials.ServerCertificate,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (certificate, _, _) => credentials.IsTrustedClient(certificate),
            CheckCertificateRevocation = false,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        });
    }
}
