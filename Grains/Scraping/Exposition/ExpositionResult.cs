namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>The outcome of parsing one body: the requested families found, or the first error.</summary>
public sealed class ExpositionResult
{
    private ExpositionResult(IReadOnlyDictionary<string, FamilyValue> families, ExpositionError? error)
    {
        Families = families;
        Error = error;
    }

    /// <summary>The requested families present in the body, by requested name. Absent families are not here.</summary>
    public IReadOnlyDictionary<string, FamilyValue> Families { get; }

    /// <summary>The first error, when the body is malformed.</summary>
    public ExpositionError? Error { get; }

    public bool Succeeded => Error is null;

    public static ExpositionResult Success(IReadOnlyDictionary<string, FamilyValue> families) => new(families, null);

    public static ExpositionResult Failure(ExpositionError error) =>
        new(new Dictionary<string, FamilyValue>(0), error);
}
