using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKaitoScaler.KubernetesApiDouble.Diagnostics;
using OrleansKaitoScaler.KubernetesApiDouble.Faults;
using OrleansKaitoScaler.KubernetesApiDouble.Http;
using OrleansKaitoScaler.KubernetesApiDouble.Resources;
using OrleansKaitoScaler.KubernetesApiDouble.Storage;
using OrleansKaitoScaler.KubernetesApiDouble.Yaml;

namespace OrleansKaitoScaler.KubernetesApiDouble;

/// <summary>
/// A Kubernetes API server double for tests: real HTTP/1.1 on 127.0.0.1, spoken to by real clients (KubernetesClient,
/// kubectl). It keeps objects in memory with etcd-like resourceVersions, serves discovery, CRDs, selectors, paging,
/// patches and watches with bookmarks and 410 expiry, and can inject faults. See README.md for what it leaves out.
/// </summary>
public sealed class KubernetesApiServerDouble : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly KubernetesApiServerDoubleOptions _options;

    private KubernetesApiServerDouble(WebApplication app, Uri baseAddress, ObjectStore store, RequestLog requests, FaultInjector faults, KubernetesApiServerDoubleOptions options)
    {
        _app = app;
        BaseAddress = baseAddress;
        Store = store;
        Requests = requests;
        Faults = faults;
        _options = options;
    }

    /// <summary>Where the server listens, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The objects, for seeding and inspecting state directly (writes here reach watchers like HTTP writes).</summary>
    public ObjectStore Store { get; }

    /// <summary>Every request answered so far.</summary>
    public RequestLog Requests { get; }

    /// <summary>Injected throttling, errors, latency, dropped watches and expired history.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Starts a server on a free loopback port, with the built-in resources and the configured namespaces.</summary>
    public static async Task<KubernetesApiServerDouble> StartAsync(KubernetesApiServerDoubleOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubernetesApiServerDoubleOptions();
        options.Validate();
        var catalog = new ResourceCatalog();
        var store = new ObjectStore(catalog, options);
        foreach (var name in options.Namespaces)
        {
            store.Create(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } });
        }

        var requests = new RequestLog();
        var faults = new FaultInjector(store);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();

        // The handler needs the bound address (for discovery) and the address is known only once Kestrel has started.
        ApiServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var baseAddress = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        server = new ApiServer(catalog, store, requests, faults, new DiscoveryDocuments(catalog, baseAddress, options.GitVersion), options.TimeProvider);
        return new KubernetesApiServerDouble(app, baseAddress, store, requests, faults, options);
    }

    /// <summary>
    /// Writes a kubeconfig whose current context points at this server (plain HTTP, a bearer token, namespace
    /// <c>default</c>) and returns <paramref name="path"/>. Works with <c>kubectl --kubeconfig</c> and with
    /// <c>KubernetesClientConfiguration.BuildConfigFromConfigFile</c>.
    /// </summary>
    public string WriteKubeconfig(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Kubeconfig.Render(BaseAddress, _options.BearerToken));
        return path;
    }

    /// <summary>
    /// Stores the CustomResourceDefinition(s) in <paramref name="crdYaml"/> (created, or replaced if present) and serves
    /// every version marked <c>served: true</c>. Throws when a document is not a valid CustomResourceDefinition.
    /// </summary>
    public void RegisterCustomResourceDefinition(string crdYaml)
    {
        ArgumentNullException.ThrowIfNull(crdYaml);
        var documents = YamlDocuments.Parse(crdYaml);
        if (documents.Count == 0 || documents.Any(d => !IsCustomResourceDefinition(d)))
        {
            throw new ArgumentException("expected only apiextensions.k8s.io/v1 CustomResourceDefinition documents", nameof(crdYaml));
        }

        foreach (var crd in documents)
        {
            Register(crd);
        }
    }

    /// <summary>Registers every CustomResourceDefinition found in the <c>*.yaml</c> files of a directory; returns how many.</summary>
    public int LoadCrds(string directory)
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var definitions = YamlDocuments.Parse(File.ReadAllText(file)).Where(IsCustomResourceDefinition).ToArray();
            foreach (var crd in definitions)
            {
                Register(crd);
            }

            count += definitions.Length;
        }

        return count;
    }

    /// <summary>Ends open watches cleanly and stops the server; connections still open after a few seconds are aborted.</summary>
    public async ValueTask DisposeAsync()
    {
        Store.EndWatches();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
    }

    private void Register(JsonObject crd)
    {
        var name = crd["metadata"]?["name"]?.GetValue<string>() ?? "";
        _ = Store.Get("apiextensions.k8s.io/v1", "CustomResourceDefinition", null, name) is null ? Store.Create(crd) : Store.Update(crd);
    }

    private static bool IsCustomResourceDefinition(JsonObject document) =>
        document["apiVersion"]?.GetValue<string>() == "apiextensions.k8s.io/v1" && document["kind"]?.GetValue<string>() == "CustomResourceDefinition";
}
