using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansKaitoScaler.Silo.Security;

/// <summary>
/// mTLS between KEDA and the scaler (configuration section <c>Certificates</c>): the CA, server and client
/// certificates the scaler keeps in Secrets of its namespace, and how long they live.
/// </summary>
public sealed class CertificateOptions
{
    public const string SectionName = "Certificates";

    /// <summary>
    /// TLS with client certificates on the gRPC port. Unset means on in Kubernetes mode and off in standalone mode
    /// (whose certificates would have nowhere to live); <c>false</c> serves plaintext gRPC in Kubernetes mode too.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>The Secret with <c>ca.crt</c>, <c>ca.key</c>, <c>server.crt</c>, <c>server.key</c> (the Go scaler's <c>--scaler-server-secret-name</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(253)]
    public string ServerSecretName { get; set; } = "keda-kaito-scaler-server-certs";

    /// <summary>The Secret with KEDA's client certificate, <c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c> (the Go scaler's <c>--scaler-client-secret-name</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(253)]
    public string ClientSecretName { get; set; } = "keda-kaito-scaler-client-certs";

    /// <summary>Validity of the server and client certificates; 5 years as the Go scaler's <c>--cert-duration</c>. Renewed at two-thirds of it.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "3650.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(5 * 365);

    /// <summary>Validity of the CA; 10 years as the Go scaler's. Replaced at two-thirds of it; leaves never outlive it.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7300.00:00:00")]
    public TimeSpan CaLifetime { get; set; } = TimeSpan.FromDays(10 * 365);

    /// <summary>
    /// How long a new CA is published in the bundle (trusted by every replica, readable by KEDA) before it signs the
    /// leaves; it must be under a third of <see cref="CaLifetime"/>, the time the current CA has left at its renewal.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan RolloverOverlap { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often every replica re-reads the Secrets to renew what is due, even when no renewal is near.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before a failed check (API unreachable, conflicts that kept coming) is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether the gRPC port serves mTLS: <see cref="Enabled"/>, defaulted by mode; <c>true</c> outside Kubernetes mode stops start-up.</summary>
    public static bool IsEnabled(IConfiguration configuration, bool kubernetes)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[$"{SectionName}:{nameof(Enabled)}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return kubernetes;
        }

        if (!bool.TryParse(text, out var enabled))
        {
            throw new OptionsValidationException(SectionName, typeof(CertificateOptions), [$"{SectionName}:{nameof(Enabled)} '{text}' is not true or false"]);
        }

        return enabled && !kubernetes
            ? throw new OptionsValidationException(SectionName, typeof(CertificateOptions), [$"{SectionName}:{nameof(Enabled)}=true needs Kubernetes mode: the certificates live in Secrets"])
            : enabled;
    }
}
