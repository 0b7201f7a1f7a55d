namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>What a sample contributes to its family.</summary>
internal enum SamplePart
{
    /// <summary>The scalar value of a gauge, counter, untyped or stateset/info series.</summary>
    Value,

    /// <summary><c>_sum</c> (or <c>_gsum</c>) of a histogram or summary.</summary>
    Sum,

    /// <summary><c>_count</c> (or <c>_gcount</c>) of a histogram or summary.</summary>
    Count,

    /// <summary>A cumulative <c>_bucket</c> with its <c>le</c> bound.</summary>
    Bucket,

    /// <summary>Contributes nothing (<c>_created</c>, summary quantiles).</summary>
    None,
}
