using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.KubernetesApiDouble;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.Integration.Tests;

/// <summary>
/// KEDA's side of mTLS, as its external scaler client does it: the CA bundle and client certificate read from the
/// Secrets the ClusterTriggerAuthentication names, a server certificate accepted only when it chains to that bundle
/// and names the scaler Service, real gRPC over HTTP/2 on a fresh TLS connection.
/// </summary>
internal static class MtlsClient
{
    public const string Namespace = "keda";
    public const string ServiceName = "keda-kaito-scaler-svc.keda.svc.cluster.local";
    public const string ServerSecret = "keda-kaito-scaler-server-certs";
    public const string ClientSecret = "keda-kaito-scaler-client-certs";

    /// <summary>Arguments that turn mTLS on for a <see cref="KaitoCluster"/> scaler, certificates in <see cref="Namespace"/>.</summary>
    public static readonly string[] Arguments =
    [
        "--Certificates:Enabled", "true",
        "--Certificates:RetryDelay", "00:00:00.100",
        "--Provisioning:ScalerNamespace", Namespace,
    ];

    public static readonly Dictionary<string, string> Trigger = new()
    {
        ["inferenceSetName"] = "phi-4",
        ["inferenceSetNamespace"] = "default",
        ["metricName"] = "vllm:num_requests_waiting",
        ["threshold"] = "10",
    };

    /// <summary>The gRPC address Kestrel bound (<c>https://127.0.0.1:port</c>).</summary>
    public static string Address(ScalerHost scaler) =>
        scaler.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

    /// <summary>A Secret value as stored in the API double.</summary>
    public static string Value(KubernetesApiServerDouble api, string secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(
            (api.Store.Get("v1", "Secret", Namespace, secret)?["data"] as JsonObject)?[key]?.GetValue<string>()
            ?? throw new InvalidOperationException($"Secret {secret} has no {key}")));

    /// <summary>KEDA's client certificate (<c>tls.crt</c>, <c>tls.key</c>) as stored now.</summary>
    public static X509Certificate2 IssuedClient(KubernetesApiServerDouble api) =>
        Load(Value(api, ClientSecret, "tls.crt"), Value(api, ClientSecret, "tls.key"));

    /// <summary>The CA bundle (<c>ca.crt</c> of the server Secret) as stored now.</summary>
    public static X509Certificate2Collection Bundle(KubernetesApiServerDouble api)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(Value(api, ServerSecret, "ca.crt"));
        return bundle;
    }

    /// <summary>The current CA with its key (<c>ca.crt</c>'s first certificate and <c>ca.key</c>), to sign a test's own leaves.</summary>
    public static X509Certificate2 CaWithKey(KubernetesApiServerDouble api) =>
        Load(Bundle(api)[0].ExportCertificatePem(), Value(api, ServerSecret, "ca.key"));

    public static X509Certificate2 Load(string certificatePem, string keyPem)
    {
        using var loaded = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// One call of IsActive on a new connection presenting <paramref name="client"/> (or no certificate); the server is
    /// trusted when it chains, at <paramref name="now"/>, to the bundle stored at handshake time. The server
    /// certificate seen is handed to <paramref name="seen"/>.
    /// </summary>
    public static async Task<bool> IsActiveAsync(
        string address,
        KubernetesApiServerDouble api,
        X509Certificate2? client,
        Func<DateTimeOffset>? now = null,
        Action<X509Certificate2>? seen = null)
    {
        using var channel = Channel(address, api, client, now ?? (() => DateTimeOffset.UtcNow), seen);
        var reply = await new ExternalScaler.ExternalScalerClient(channel).IsActiveAsync(ScalerHost.Ref(Trigger), deadline: DateTime.UtcNow.AddSeconds(10));
        return reply.Result;
    }

    public static GrpcChannel Channel(string address, KubernetesApiServerDouble api, X509Certificate2? client, Func<DateTimeOffset> now, Action<X509Certificate2>? seen = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = client is null ? null : new X509CertificateCollection { client },
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is not X509Certificate2 server)
                    {
                        return false;
                    }

                    seen?.Invoke(server);
                    return IsTrustedServer(server, Bundle(api), now());
                },
            },
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>The status of an IsActive call that must fail, or OK if it did not.</summary>
    public static async Task<StatusCode> RefusedAsync(string address, KubernetesApiServerDouble api, X509Certificate2? client)
    {
        try
        {
            await IsActiveAsync(address, api, client);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>Waits until the scaler's <c>/readyz</c> answers 200.</summary>
    public static Task ReadyAsync(ScalerHost scaler, TimeSpan? within = null) =>
        Eventually.Get(
            async () => (await scaler.Http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode,
            s => s == System.Net.HttpStatusCode.OK,
            within ?? TimeSpan.FromSeconds(30),
            "the scaler ready");

    /// <summary>Whether <paramref name="leaf"/> chains, at <paramref name="now"/>, to one of <paramref name="authorities"/> and nothing else.</summary>
    public static bool Chains(X509Certificate2 leaf, X509Certificate2Collection authorities, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(leaf);
    }

    private static bool IsTrustedServer(X509Certificate2 server, X509Certificate2Collection bundle, DateTimeOffset now) =>
        Chains(server, bundle, now)
        && server.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).Contains(ServiceName);
}
