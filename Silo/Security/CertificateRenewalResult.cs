namespace OrleansKaitoScaler.Silo.Security;

/// <summary>What a <see cref="CertificateRenewal"/> stored (or found already stored).</summary>
/// <param name="Plan">The plan that was written, or that found nothing to write.</param>
/// <param name="LostRaces">How many times another replica's write won first (each followed by a fresh read).</param>
internal sealed record CertificateRenewalResult(CertificatePlan Plan, int LostRaces)
{
    /// <summary>Whether this check wrote either Secret.</summary>
    public bool Wrote => Plan.ServerData is not null || Plan.ClientData is not null;
}
