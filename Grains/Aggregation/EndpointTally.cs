using OrleansKaitoScaler.Grains.Windows;

namespace OrleansKaitoScaler.Grains.Aggregation;

/// <summary>
/// One family over the endpoints of a round: the total of the scalar values of those that answered (a
/// scraped endpoint that lacks the family counts as 0), how many answered, and whether any exposed it.
/// </summary>
internal readonly record struct EndpointTally(double Total, double Max, int Succeeded, int Failed, bool Exposed, bool HistogramOnly)
{
    public double Average => Total / Succeeded;

    public static EndpointTally Of(ScrapeRound round, string family)
    {
        double total = 0, max = double.NegativeInfinity;
        int succeeded = 0, failed = 0;
        bool exposed = false, histogramOnly = false;
        foreach (var endpoint in round.Endpoints)
        {
            if (!endpoint.Succeeded)
            {
                failed++;
                continue;
            }

            succeeded++;
            var scalar = 0.0;
            if (endpoint.Families!.TryGetValue(family, out var value))
            {
                exposed = true;
                scalar = value.Value;
                histogramOnly |= value.Histogram is not null && value.Value == 0;
            }

            total += scalar;
            max = Math.Max(max, scalar);
        }

        return new EndpointTally(total, max, succeeded, failed, exposed, histogramOnly);
    }
}
