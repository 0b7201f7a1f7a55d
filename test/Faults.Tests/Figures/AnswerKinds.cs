using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;

namespace OrleansKaitoScaler.Faults.Tests.Figures;

/// <summary>Counts answers and scrape errors by kind for <see cref="FaultFigures"/>.</summary>
public static partial class AnswerKinds
{
    private static readonly string[] s_known = ["cold", "stale", "warming up", "no endpoint", "cluster"];

    /// <summary><c>OK</c>, or the status and the reason the message starts with (<c>Unavailable: stale</c>).</summary>
    public static string Of(StatusCode status, string detail)
    {
        if (status == StatusCode.OK)
        {
            return "OK";
        }

        var reason = s_known.FirstOrDefault(k => detail.StartsWith(k, StringComparison.Ordinal)) ?? (detail.Length > 24 ? detail[..24] : detail);
        return $"{status}: {reason}";
    }

    /// <summary>Adds one to <paramref name="kind"/>.</summary>
    public static void Count(ConcurrentDictionary<string, int> counts, string kind) => counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>Scrapes by outcome from the scaler's <c>/metrics</c> (<c>oks_scrapes_total{outcome=…}</c>), without <c>ok</c>.</summary>
    public static Dictionary<string, int> ScrapeErrors(string metricsText)
    {
        ArgumentNullException.ThrowIfNull(metricsText);
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match match in ScrapesLine().Matches(metricsText))
        {
            var outcome = match.Groups["outcome"].Value;
            if (outcome != "ok")
            {
                var value = (int)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
                errors[outcome] = errors.GetValueOrDefault(outcome) + value;
            }
        }

        return errors;
    }

    [GeneratedRegex("""^oks_scrapes_total\{[^}]*outcome="(?<outcome>[^"]+)"[^}]*\} (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex ScrapesLine();
}
