namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>Walks a body line by line with a vectorised search for <c>\n</c>; allocates nothing.</summary>
internal ref struct LineReader(ReadOnlySpan<byte> body)
{
    private ReadOnlySpan<byte> _rest = body;

    /// <summary>1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Bytes after the line last returned.</summary>
    public readonly ReadOnlySpan<byte> Rest => _rest;

    /// <summary>The next line without its <c>\n</c>; <paramref name="terminated"/> is false for a last line with no newline.</summary>
    public bool Next(out ReadOnlySpan<byte> line, out bool terminated)
    {
        if (_rest.IsEmpty)
        {
            line = default;
            terminated = false;
            return false;
        }

        LineNumber++;
        var end = _rest.IndexOf((byte)'\n');
        if (end < 0)
        {
            line = _rest;
            terminated = false;
            _rest = default;
            return true;
        }

        line = _rest[..end];
        terminated = true;
        _rest = _rest[(end + 1)..];
        return true;
    }
}
