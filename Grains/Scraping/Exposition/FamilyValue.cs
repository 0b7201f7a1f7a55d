namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// A requested metric family at one endpoint. <see cref="Value"/> is the sum over every series of a
/// gauge, counter or untyped family (vLLM data-parallel exposes one series per <c>engine</c>);
/// <see cref="Histogram"/> is set when the family has <c>_sum</c>/<c>_count</c>/<c>_bucket</c> samples.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FamilyValue([property: Id(0)] double Value, [property: Id(1)] HistogramValue? Histogram);
