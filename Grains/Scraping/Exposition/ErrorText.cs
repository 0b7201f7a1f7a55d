using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>Quotes body text in error messages without letting a hostile body flood a log.</summary>
internal static class ErrorText
{
    private const int MaxBytes = 60;

    /// <summary>At most 60 bytes of <paramref name="text"/>, control characters shown as '?': binary bodies stay printable.</summary>
    public static string Show(ReadOnlySpan<byte> text)
    {
        var shown = Encoding.UTF8.GetString(text.Length > MaxBytes ? text[..MaxBytes] : text);
        var chars = shown.Select(c => char.IsControl(c) ? '?' : c).ToArray();
        return new string(chars) + (text.Length > MaxBytes ? "…" : "");
    }
}
