using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// Reads and writes one Secret by name with optimistic concurrency: a Secret that does not exist is created
/// (POST, so of two replicas creating it one gets <c>409 AlreadyExists</c>), one that exists is replaced with the
/// <c>resourceVersion</c> it was read at (so a concurrent writer's change gets <c>409 Conflict</c>). A lost race is
/// an answer (<see langword="null"/>), never an overwrite: the caller reads again and adopts what won.
/// </summary>
internal sealed class CertificateSecretStore(IKubernetes client, string @namespace)
{
    /// <summary>The label that marks Secrets the scaler created.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    /// <summary>The label's value.</summary>
    public const string ManagedBy = "orleans-kaito-scaler";

    public string Namespace => @namespace;

    /// <summary>The Secret, or null when it does not exist.</summary>
    public async Task<V1Secret?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> as the whole data of Secret <paramref name="name"/>: created when
    /// <paramref name="read"/> is null, else replaced at <paramref name="read"/>'s resourceVersion (its other
    /// metadata kept). Null when another writer got there first (409, or 404 when the Secret went meanwhile).
    /// </summary>
    public async Task<V1Secret?> WriteAsync(string name, V1Secret? read, IDictionary<string, byte[]> data, CancellationToken cancellationToken)
    {
        try
        {
            if (read is null)
            {
                var created = new V1Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Type = "Opaque",
                    Metadata = new V1ObjectMeta
                    {
                        Name = name,
                        NamespaceProperty = @namespace,
                        Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedBy },
                    },
                    Data = data,
                };
                return await client.CoreV1.CreateNamespacedSecretAsync(created, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            read.Data = data;
            read.StringData = null;
            return await client.CoreV1.ReplaceNamespacedSecretAsync(read, name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode is HttpStatusCode.Conflict || (read is not null && e.Response?.StatusCode == HttpStatusCode.NotFound))
        {
            return null;
        }
    }
}
