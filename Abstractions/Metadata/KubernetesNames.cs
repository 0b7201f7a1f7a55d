namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>
/// Kubernetes' object-name rules (RFC 1123), checked so a trigger that could never match an object fails at
/// once with a clear message, and so a <c>/</c> can never make one InferenceSet's grain key read as another's.
/// </summary>
internal static class KubernetesNames
{
    /// <summary>A DNS-1123 label, as namespaces must be: 1–63 of <c>[a-z0-9-]</c>, starting and ending alphanumeric.</summary>
    public const string LabelRule = "a DNS-1123 label: at most 63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit";

    /// <summary>A DNS-1123 subdomain, as most object names must be: dot-separated labels, at most 253 characters.</summary>
    public const string SubdomainRule = "a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";

    public static bool IsLabel(string value) => value.Length <= 63 && IsLabelSpan(value);

    public static bool IsSubdomain(string value)
    {
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var range in value.AsSpan().Split('.'))
        {
            if (!IsLabelSpan(value.AsSpan(range)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLabelSpan(ReadOnlySpan<char> label)
    {
        if (label.IsEmpty || !IsAlphanumeric(label[0]) || !IsAlphanumeric(label[^1]))
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!IsAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlphanumeric(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);
}
