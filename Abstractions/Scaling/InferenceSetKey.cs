namespace OrleansKaitoScaler.Abstractions.Scaling;

/// <summary>An InferenceSet's identity; its string form <c>namespace/name</c> is the grain key.</summary>
[GenerateSerializer, Immutable]
public readonly record struct InferenceSetKey([property: Id(0)] string Namespace, [property: Id(1)] string Name)
{
    /// <summary>Parses a grain key of the form <c>namespace/name</c>.</summary>
    public static InferenceSetKey Parse(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == grainKey.Length - 1)
        {
            throw new FormatException($"grain key '{grainKey}' is not of the form namespace/name");
        }

        return new InferenceSetKey(grainKey[..slash], grainKey[(slash + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Name}";
}
