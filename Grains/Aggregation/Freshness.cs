using System.Globalization;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// The rules every scraped aggregation shares before it may compute: a sample must exist (else cold) and
/// be recent (else stale), and at least one endpoint must have answered. Each is <c>Unavailable</c> so
/// that HPA holds its current replica count instead of acting on a number made from missing data.
/// </summary>
internal static class Freshness
{
    public static bool TryGetNewest(AggregationContext context, out ScrapeRound newest, out MetricAnswer unavailable)
    {
        var round = context.Window.NewestCovering(context.Family);
        if (round is null)
        {
            newest = null!;
            unavailable = MetricAnswer.Unavailable(
                $"cold: no scrape of '{context.Family}' for InferenceSet {context.InferenceSet.Key} has completed yet");
            return false;
        }

        var age = context.Now - round.At;
        if (age > context.StaleAfter)
        {
            newest = null!;
            unavailable = MetricAnswer.Unavailable(string.Create(
                CultureInfo.InvariantCulture,
                $"stale: the newest sample of '{context.Family}' for InferenceSet {context.InferenceSet.Key} is {age.TotalSeconds:0.#}s old (bound {context.StaleAfter.TotalSeconds:0.#}s)"));
            return false;
        }

        if (round.Endpoints.Count == 0)
        {
            newest = null!;
            unavailable = MetricAnswer.Unavailable($"InferenceSet {context.InferenceSet.Key} has no Workspace services to scrape");
            return false;
        }

        if (round.SucceededCount == 0)
        {
            newest = null!;
            var first = round.Endpoints[0];
            unavailable = MetricAnswer.Unavailable(
                $"no endpoint of InferenceSet {context.InferenceSet.Key} answered the last scrape ({round.Endpoints.Count} failed; {first.Endpoint}: {first.Error})");
            return false;
        }

        newest = round;
        unavailable = default;
        return true;
    }

    /// <summary>Guards the value KEDA receives: never NaN or infinite.</summary>
    public static MetricAnswer Finite(AggregationContext context, double value, string what) =>
        double.IsFinite(value)
            ? MetricAnswer.Of(value)
            : MetricAnswer.Unavailable(string.Create(CultureInfo.InvariantCulture, $"'{context.Family}' {what} for InferenceSet {context.InferenceSet.Key} is {value}, not a number HPA can use"));
}
