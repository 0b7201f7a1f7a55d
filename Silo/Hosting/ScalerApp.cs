using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Grains;
using Orleans.Dashboard;
using OrleansKaitoScaler.GrpcGateway;
using OrleansKaitoScaler.Silo.Admin;
using OrleansKaitoScaler.Silo.Health;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Membership;
using Orleans.Configuration;
using OrleansKaitoScaler.Silo.Provisioning;
using OrleansKaitoScaler.Silo.Security;
using OrleansKaitoScaler.Silo.State;
using OrleansKaitoScaler.Silo.Telemetry;
using OrleansKaitoScaler.Silo.Standalone;

namespace OrleansKaitoScaler.Silo.Hosting;

/// <summary>Builds the scaler process: Orleans silo, InferenceSet grains, inventory and the KEDA gateway.</summary>
public static class ScalerApp
{
    /// <summary>Builds the app from command-line arguments; <paramref name="configure"/> lets tests add configuration or services.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        args = CommandLine.Normalize(args);
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, CommandLine.SwitchMappings.ToDictionary());
        configure?.Invoke(builder);
        var kubernetes = KubernetesOptions.IsEnabled(builder.Configuration);
        if (kubernetes && string.IsNullOrEmpty(builder.Configuration[$"{ListenOptions.SectionName}:{nameof(ListenOptions.ListenAddress)}"]))
        {
            // In a pod KEDA reaches the scaler through its Service, so listen on every interface unless told otherwise.
            builder.Configuration[$"{ListenOptions.SectionName}:{nameof(ListenOptions.ListenAddress)}"] = IPAddress.Any.ToString();
        }

        var listen = Bind<ListenOptions>(builder, ListenOptions.SectionName);
        var cluster = Bind<LocalClusterOptions>(builder, LocalClusterOptions.SectionName);
        if (!IPAddress.TryParse(listen.ListenAddress, out var address))
        {
            throw new OptionsValidationException(ListenOptions.SectionName, typeof(ListenOptions), [$"Gateway:ListenAddress '{listen.ListenAddress}' is not an IP address"]);
        }

        // mTLS for KEDA: on by default in Kubernetes mode, plaintext in standalone mode or with Certificates:Enabled=false.
        var mutualTls = CertificateOptions.IsEnabled(builder.Configuration, kubernetes);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, listen.GrpcPort, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                if (mutualTls)
                {
                    o.UseKedaMutualTls();
                }
            });
            kestrel.Listen(address, listen.MetricsPort, o => o.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, listen.HealthPort, o => o.Protocols = HttpProtocols.Http2);
        });

        // Kubernetes mode first: its start-up check must stop the process before the silo starts.
        if (kubernetes)
        {
            builder.Services.AddKubernetesInventory().AddAutoProvisioning();
            if (mutualTls)
            {
                builder.Services.AddScalerCertificates();
            }
        }
        else
        {
            builder.Services.AddStandaloneInventory();
        }

        var advertised = Clustered(cluster, kubernetes) ? AdvertisedAddress(cluster, address) : null;
        var podHosting = PodHosting(cluster, kubernetes, advertised is not null);
        var kubeconfig = builder.Configuration[$"{KubernetesOptions.SectionName}:{nameof(KubernetesOptions.Kubeconfig)}"];
        builder.UseOrleans(silo =>
        {
            if (advertised is not null)
            {
                // Replicas of one Deployment find each other through a membership table: the Kubernetes API or Redis.
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId))
                    .ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                if (cluster.MembershipStore == LocalClusterOptions.RedisClustering)
                {
                    silo.UseRedisClustering(cluster.RedisConnectionString!);
                }
                else
                {
                    silo.UseKubernetesMembership();
                }
            }
            else
            {
                silo.UseLocalhostClustering(
                    cluster.SiloPort,
                    cluster.GatewayPort,
                    cluster.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null);
            }

            if (podHosting)
            {
                // The silo is named after its pod, labels it with the cluster, and a silo whose pod is deleted is
                // declared dead at once instead of after missed probes; the API client is the inventory's.
                silo.UseKubernetesHosting(o => o.Configure(h => h.GetClientConfiguration = () => KubernetesModeExtensions.ClientConfiguration(kubeconfig)));
            }

            silo.AddActivityPropagation()
                .AddDashboard()
                .AddGrainService<InferenceSetStateService>();
        });
        builder.Services.AddInferenceSetGrains();
        builder.Services.AddSingleton<InferenceSetStateReader>();
        builder.Services.AddKedaGateway();
        builder.Services.AddHealthChecks()
            .AddCheck<InventorySyncedHealthCheck>(InventorySyncedHealthCheck.Name, tags: [GatewayHostingExtensions.ReadinessTag])
            .AddCheck<SiloJoinedHealthCheck>(SiloJoinedHealthCheck.Name, tags: [GatewayHostingExtensions.ReadinessTag]);
        builder.AddScalerTelemetry();

        var app = builder.Build();
        app.Services.GetRequiredService<ScalerGauges>();
        app.MapKedaGateway();
        app.MapAdmin();
        app.MapHealthProbes();
        return app;
    }

    /// <summary>Whether silos form a cluster through a membership table (Kubernetes API or Redis) rather than on localhost.</summary>
    private static bool Clustered(LocalClusterOptions cluster, bool kubernetes)
    {
        if (cluster.MembershipStore == LocalClusterOptions.RedisClustering)
        {
            return !string.IsNullOrWhiteSpace(cluster.RedisConnectionString)
                ? true
                : throw new OptionsValidationException(LocalClusterOptions.SectionName, typeof(LocalClusterOptions), ["Orleans:RedisConnectionString is required when Orleans:MembershipStore is redis"]);
        }

        return kubernetes && cluster.MembershipStore == LocalClusterOptions.KubernetesClustering;
    }

    /// <summary>
    /// Whether to use Orleans' Kubernetes hosting (<c>UseKubernetesHosting</c>): <c>Orleans:KubernetesHosting</c>, else on
    /// in a pod (the downward API's <c>POD_NAME</c> is set, as the chart does) when the silos form a cluster.
    /// </summary>
    private static bool PodHosting(LocalClusterOptions cluster, bool kubernetes, bool clustered)
    {
        var inPod = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(LocalClusterOptions.PodNameVariable));
        if (cluster.KubernetesHosting is not true)
        {
            return cluster.KubernetesHosting is null && kubernetes && clustered && inPod;
        }

        string? missing = !kubernetes ? "Kubernetes mode"
            : !clustered ? "Orleans:MembershipStore kubernetes or redis"
            : !inPod ? $"the {LocalClusterOptions.PodNameVariable} and {LocalClusterOptions.PodNamespaceVariable} environment variables (the downward API)"
            : null;
        return missing is null
            ? true
            : throw new OptionsValidationException(LocalClusterOptions.SectionName, typeof(LocalClusterOptions), [$"Orleans:KubernetesHosting=true needs {missing}"]);
    }

    /// <summary>Where other silos reach this one: configured, else <c>POD_IP</c>, else a specific listen address, else loopback.</summary>
    private static IPAddress AdvertisedAddress(LocalClusterOptions cluster, IPAddress listen)
    {
        var text = !string.IsNullOrWhiteSpace(cluster.AdvertisedAddress) ? cluster.AdvertisedAddress : Environment.GetEnvironmentVariable("POD_IP");
        if (string.IsNullOrWhiteSpace(text))
        {
            return listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : listen;
        }

        return IPAddress.TryParse(text, out var parsed)
            ? parsed
            : throw new OptionsValidationException(LocalClusterOptions.SectionName, typeof(LocalClusterOptions), [$"Orleans:AdvertisedAddress (or POD_IP) '{text}' is not an IP address"]);
    }

    /// <summary>Binds and validates an options section before the host exists, so a bad port stops start-up naming its key.</summary>
    private static T Bind<T>(WebApplicationBuilder builder, string section)
        where T : class, new()
    {
        var value = builder.Configuration.GetSection(section).Get<T>() ?? new T();
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(value, new(value), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(T), results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }

        return value;
    }
}
