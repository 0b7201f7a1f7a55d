using Microsoft.Extensions.Options;

namespace OrleansKaitoScaler.Silo.Provisioning;

/// <summary>
/// The timing rules client-go enforces (<c>NewLeaderElector</c>), so a leader always stops writing before anyone else
/// may start: lease duration &gt; renew deadline &gt; 1.2 × retry period.
/// </summary>
internal sealed class LeaderElectionOptionsValidator : IValidateOptions<LeaderElectionOptions>
{
    /// <summary>KubernetesClient's (and client-go's) jitter on the retry period.</summary>
    internal const double JitterFactor = 1.2;

    public ValidateOptionsResult Validate(string? name, LeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = LeaderElectionOptions.SectionName;
        if (options.LeaseDuration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"{Section}:LeaseDuration {options.LeaseDuration} must be a whole number of seconds (the Lease stores seconds)");
        }

        if (options.LeaseDuration <= options.RenewDeadline)
        {
            failures.Add($"{Section}:LeaseDuration {options.LeaseDuration} must be longer than {Section}:RenewDeadline {options.RenewDeadline}");
        }

        if (options.RenewDeadline <= options.RetryPeriod * JitterFactor)
        {
            failures.Add($"{Section}:RenewDeadline {options.RenewDeadline} must be longer than {JitterFactor} × {Section}:RetryPeriod {options.RetryPeriod}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
