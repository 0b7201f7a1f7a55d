namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>How the samples of a metric family are turned into the one value KEDA receives.</summary>
public enum Aggregation
{
    /// <summary><c>sum</c>: total over endpoints, with compensation for failed endpoints.</summary>
    Sum,

    /// <summary><c>service-avg</c>: mean over the successfully scraped endpoints.</summary>
    ServiceAverage,

    /// <summary><c>windowed-avg</c>: Δsum/Δcount of a histogram between the oldest and newest sample in the window.</summary>
    WindowedAverage,

    /// <summary><c>gate</c>: 1 when every desired replica is ready, else 0; never scrapes.</summary>
    Gate,

    /// <summary><c>rate</c>: per-second increase of a counter over the window, summed over endpoints (PromQL <c>rate</c>).</summary>
    Rate,

    /// <summary><c>max</c>: the largest value of a gauge over the endpoints that answered (the hottest replica).</summary>
    Max,

    /// <summary><c>quantile</c>: a quantile of a histogram over the window (PromQL <c>histogram_quantile</c> of the bucket rates).</summary>
    Quantile,
}
