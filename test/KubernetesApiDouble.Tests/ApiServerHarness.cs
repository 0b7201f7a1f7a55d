using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using OrleansKaitoScaler.TestSupport;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

/// <summary>
/// A started double with the fixture CRDs loaded, a kubeconfig on disk, a real <see cref="Kubernetes"/> client built
/// from that kubeconfig, and a raw <see cref="HttpClient"/> for what the client library hides.
/// </summary>
internal sealed class ApiServerHarness : IAsyncDisposable
{
    private readonly string _directory;

    private ApiServerHarness(KubernetesApiServerDouble api, int crds, string directory, string kubeconfig)
    {
        LoadedCrds = crds;
        Api = api;
        _directory = directory;
        KubeconfigPath = kubeconfig;
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        Http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public KubernetesApiServerDouble Api { get; }

    /// <summary>How many CustomResourceDefinitions the fixture folder held.</summary>
    public int LoadedCrds { get; }

    public Kubernetes Client { get; }

    public HttpClient Http { get; }

    public string KubeconfigPath { get; }

    /// <summary>A scratch directory removed on dispose (kubectl's cache, written manifests).</summary>
    public string Directory => _directory;

    public static async Task<ApiServerHarness> StartAsync(KubernetesApiServerDoubleOptions? options = null)
    {
        var api = await KubernetesApiServerDouble.StartAsync(options);
        var crds = api.LoadCrds(Fixtures.Path("crds"));
        var directory = Path.Combine(Path.GetTempPath(), "k8s-double-" + Guid.NewGuid().ToString("N"));
        var kubeconfig = api.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));
        return new ApiServerHarness(api, crds, directory, kubeconfig);
    }

    /// <summary>A bounded token for anything a test awaits.</summary>
    public static CancellationToken Within(TimeSpan? timeout = null) =>
        new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10)).Token;

    /// <summary>What KubernetesClient returns for custom objects (a JsonElement) as a JSON object.</summary>
    public static JsonObject Json(object? result) =>
        JsonSerializer.SerializeToNode(result)?.AsObject() ?? throw new InvalidOperationException("no object returned");

    public async Task<(int Status, JsonObject Body)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Http.SendAsync(request, Within());
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Api.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A kubectl still being killed may hold its cache; the temp directory is cleaned eventually.
        }
    }
}
