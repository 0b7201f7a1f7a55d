using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansKaitoScaler.KubernetesApiDouble.Resources;

/// <summary>
/// Kubernetes' version priority: GA before beta before alpha, higher numbers first (v1 &gt; v1beta2 &gt; v1beta1 &gt; v1alpha1).
/// Discovery lists versions in this order and the first is the preferred version clients default to.
/// </summary>
internal sealed partial class KubeVersionOrder : IComparer<string>
{
    public static KubeVersionOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (left, right) = (Rank(x ?? ""), Rank(y ?? ""));
        if (left is null || right is null)
        {
            return left is not null ? -1 : right is not null ? 1 : string.CompareOrdinal(x, y);
        }

        // Sort descending by priority: the best version comes first.
        return right.Value.CompareTo(left.Value);
    }

    private static (int Stage, int Major, int Minor)? Rank(string version)
    {
        var match = VersionPattern().Match(version);
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture);
        var stage = match.Groups["stage"].Value switch { "alpha" => 0, "beta" => 1, _ => 2 };
        var minor = match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
        return (stage, major, minor);
    }

    [GeneratedRegex("^v(?<major>[0-9]+)(?:(?<stage>alpha|beta)(?<minor>[0-9]+))?$")]
    private static partial Regex VersionPattern();
}
