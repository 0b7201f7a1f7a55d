using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OrleansKaitoScaler.Silo.Membership;

/// <summary>
/// Checks the <c>Membership</c> section at start-up so a bad value stops the host naming its key, instead of every
/// membership write failing with a 422 from the API server.
/// </summary>
internal sealed partial class KubernetesMembershipOptionsValidator : IValidateOptions<KubernetesMembershipOptions>
{
    /// <summary>Leaves 23 characters of the 63 a name may have for the ClusterId (or 14 and its 8-digit hash).</summary>
    internal const int MaxPrefixLength = 40;

    public ValidateOptionsResult Validate(string? name, KubernetesMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = KubernetesMembershipOptions.SectionName;
        var failures = new List<string>();
        if (options.Namespace is null || options.Namespace.Length > 63 || !Dns1123Label().IsMatch(options.Namespace))
        {
            failures.Add($"{Section}:Namespace '{options.Namespace}' is not a namespace name (lower-case letters, digits and '-', at most 63 characters)");
        }

        if (options.ConfigMapNamePrefix is null || options.ConfigMapNamePrefix.Length > MaxPrefixLength || !NamePrefix().IsMatch(options.ConfigMapNamePrefix))
        {
            failures.Add($"{Section}:ConfigMapNamePrefix '{options.ConfigMapNamePrefix}' must start with a lower-case letter or digit, hold only those and '-', and be at most {MaxPrefixLength} characters");
        }

        if (options.MaxConflictRetries is < 0 or > 100)
        {
            failures.Add($"{Section}:MaxConflictRetries {options.MaxConflictRetries} must be between 0 and 100");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z0-9][-a-z0-9]*$")]
    private static partial Regex NamePrefix();
}
