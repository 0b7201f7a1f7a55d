using k8s;
using OrleansKaitoScaler.KubernetesApiDouble;
using OrleansKaitoScaler.Silo.Security;
using OrleansKaitoScaler.Silo.Tests.Membership;

namespace OrleansKaitoScaler.Silo.Tests.Security;

/// <summary>The wire-level API double and certificate renewals talking to it, each through its own client as each replica has.</summary>
internal sealed class CertificateApi : IAsyncDisposable
{
    public const string Namespace = "keda";

    public static readonly CertificateOptions Options = new() { Lifetime = TimeSpan.FromMinutes(30), CaLifetime = TimeSpan.FromMinutes(60), RolloverOverlap = TimeSpan.FromMinutes(5) };

    private readonly string _directory;
    private readonly List<IKubernetes> _clients = [];

    private CertificateApi(KubernetesApiServerDouble api, string directory)
    {
        Api = api;
        _directory = directory;
        Kubeconfig = api.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
    }

    public KubernetesApiServerDouble Api { get; }

    public string Kubeconfig { get; }

    public static async Task<CertificateApi> StartAsync() =>
        new(await KubernetesApiServerDouble.StartAsync(), Directory.CreateTempSubdirectory("oks-certificates-").FullName);

    public IKubernetes Client(PausingHandler? pausing = null)
    {
        var client = pausing is null
            ? new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig))
            : new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig), pausing);
        _clients.Add(client);
        return client;
    }

    public CertificateSecretStore Store(PausingHandler? pausing = null) => new(Client(pausing), Namespace);

    /// <summary>A replica's renewal, with its own client.</summary>
    public CertificateRenewal Renewal(PausingHandler? pausing = null) =>
        new(Store(pausing), new CertificatePlanner(Options, CertificateAuthority.ServiceDnsNames("keda-kaito-scaler-svc", Namespace)), Options);

    /// <summary>The Secrets as stored, parsed.</summary>
    public CertificateMaterial Stored()
    {
        var server = Api.Store.Get("v1", "Secret", Namespace, Options.ServerSecretName);
        var client = Api.Store.Get("v1", "Secret", Namespace, Options.ClientSecretName);
        return CertificateMaterial.Read(Data(server), Data(client));
    }

    /// <summary>Secret writes with this verb (create, update) answered with <paramref name="status"/>.</summary>
    public int SecretWrites(string verb, int status, string? name = null) =>
        Api.Requests.Count(r => r.Request.Resource == "secrets" && r.Request.Verb == verb && r.StatusCode == status && (name is null || r.Request.Name == name || r.Request.Verb == "create"));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static Dictionary<string, byte[]>? Data(System.Text.Json.Nodes.JsonObject? secret) =>
        secret?["data"] is System.Text.Json.Nodes.JsonObject data
            ? data.ToDictionary(p => p.Key, p => Convert.FromBase64String(p.Value!.GetValue<string>()))
            : null;
}
