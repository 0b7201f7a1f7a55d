namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>
/// What follows an OpenMetrics sample's name and labels: <c>value [timestamp] [# exemplar]</c>, each separated
/// by exactly one space.
/// </summary>
internal readonly ref struct SampleFields
{
    public SampleFields(ReadOnlySpan<byte> text)
    {
        Exemplar = default;
        var hash = text.IndexOf(" # "u8);
        if (hash >= 0)
        {
            Exemplar = text[(hash + 3)..];
            HasExemplar = true;
            text = text[..hash];
        }

        var space = text.IndexOf((byte)' ');
        var valueText = space < 0 ? text : text[..space];
        if (!Tokens.TryParseOpenMetricsNumber(valueText, out var value))
        {
            Error = $"invalid value '{ErrorText.Show(valueText)}'";
            return;
        }

        Value = value;
        if (space >= 0)
        {
            if (!Tokens.TryParseDecimal(text[(space + 1)..], out var timestamp))
            {
                Error = $"invalid timestamp '{ErrorText.Show(text[(space + 1)..])}'";
                return;
            }

            Timestamp = timestamp;
        }
    }

    public double Value { get; }

    public double? Timestamp { get; }

    public bool HasExemplar { get; }

    public ReadOnlySpan<byte> Exemplar { get; }

    public string? Error { get; }
}
