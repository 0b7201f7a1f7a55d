namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>Why trigger metadata was rejected: the offending key and a message a user can act on.</summary>
public sealed record MetadataError(string Key, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"invalid trigger metadata '{Key}': {Message}";
}
