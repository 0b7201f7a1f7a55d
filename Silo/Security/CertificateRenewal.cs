namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// One renewal check: read both Secrets, plan, write what changed (server Secret first: it holds the CA key), and
/// on a lost race (409) read again and plan afresh — so a replica that loses adopts the winner's CA instead of
/// overwriting it, and two replicas never store two CAs.
/// </summary>
internal sealed class CertificateRenewal(CertificateSecretStore store, CertificatePlanner planner, CertificateOptions options)
{
    /// <summary>Reads and plans at most this many times per check; each lost race costs one.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Brings the Secrets up to date at <paramref name="now"/>; null when every attempt lost a race.</summary>
    public async Task<CertificateRenewalResult?> RenewAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var server = await store.ReadAsync(options.ServerSecretName, cancellationToken).ConfigureAwait(false);
            var client = await store.ReadAsync(options.ClientSecretName, cancellationToken).ConfigureAwait(false);
            var plan = planner.Plan(CertificateMaterial.Read(server?.Data, client?.Data), now);
            if (plan.ServerData is not null && await store.WriteAsync(options.ServerSecretName, server, plan.ServerData, cancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            if (plan.ClientData is not null && await store.WriteAsync(options.ClientSecretName, client, plan.ClientData, cancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            return new CertificateRenewalResult(plan, attempt - 1);
        }

        return null;
    }
}
