namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>Why a body was rejected: the 1-based line and what is wrong with it.</summary>
public sealed record ExpositionError(int Line, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {Message}";
}
