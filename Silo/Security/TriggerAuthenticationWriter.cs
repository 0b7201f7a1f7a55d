using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Keeps the cluster-scoped <c>keda.sh/v1alpha1 ClusterTriggerAuthentication</c> that every ScaledObject names
/// pointing KEDA at the certificates, as the Go scaler does at start-up: <c>caCert</c> from the server Secret's
/// <c>ca.crt</c>, <c>tlsClientCert</c> and <c>tlsClientKey</c> from the client Secret's <c>tls.crt</c> and
/// <c>tls.key</c>. Created when missing (a 409 means another replica did it), its <c>spec</c> replaced at the
/// resourceVersion read when it differs, left alone when it is already so; other fields are kept.
/// </summary>
internal sealed class TriggerAuthenticationWriter(IKubernetes client, string name, string serverSecret, string clientSecret)
{
    private const string Group = "keda.sh";
    private const string Version = "v1alpha1";
    private const string Plural = "clustertriggerauthentications";
    private const int MaxAttempts = 5;

    /// <summary>The <c>spec</c> KEDA reads.</summary>
    public JsonObject Spec() => new()
    {
        ["secretTargetRef"] = new JsonArray(
            Reference("caCert", serverSecret, CertificateMaterial.CaCertificateKey),
            Reference("tlsClientCert", clientSecret, CertificateMaterial.ClientCertificateKey),
            Reference("tlsClientKey", clientSecret, CertificateMaterial.ClientKeyKey)),
    };

    /// <summary>Creates or corrects the object; returns what was done (<c>created</c>, <c>updated</c>, <c>unchanged</c>).</summary>
    public async Task<string> EnsureAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (existing is null)
                {
                    var body = new JsonObject
                    {
                        ["apiVersion"] = $"{Group}/{Version}",
                        ["kind"] = "ClusterTriggerAuthentication",
                        ["metadata"] = new JsonObject
                        {
                            ["name"] = name,
                            ["labels"] = new JsonObject { [CertificateSecretStore.ManagedByLabel] = CertificateSecretStore.ManagedBy },
                        },
                        ["spec"] = Spec(),
                    };
                    await client.CustomObjects.CreateClusterCustomObjectAsync<JsonObject>(body, Group, Version, Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return "created";
                }

                if (JsonNode.DeepEquals(existing["spec"], Spec()))
                {
                    return "unchanged";
                }

                existing["spec"] = Spec();
                await client.CustomObjects.ReplaceClusterCustomObjectAsync<JsonObject>(existing, Group, Version, Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
                return "updated";
            }
            catch (HttpOperationException e) when (attempt < MaxAttempts && e.Response?.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                // Another replica wrote it since we read it: read again and decide afresh.
            }
        }
    }

    private async Task<JsonObject?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.CustomObjects.GetClusterCustomObjectAsync<JsonObject>(Group, Version, Plural, name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static JsonObject Reference(string parameter, string secret, string key) => new()
    {
        ["parameter"] = parameter,
        ["name"] = secret,
        ["key"] = key,
    };
}
