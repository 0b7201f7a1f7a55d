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
}
