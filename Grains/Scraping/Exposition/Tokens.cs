using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OrleansKaitoScaler.Grains.Scraping.Exposition;

/// <summary>The lexical rules both formats share: names, numbers, timestamps. Everything works on UTF-8 spans.</summary>
internal static class Tokens
{
    private const NumberStyles DecimalStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public static readonly SearchValues<byte> MetricNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:"u8);

    public static readonly SearchValues<byte> LabelNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"u8);

    private static readonly SearchValues<byte> s_decimalChars = SearchValues.Create("0123456789.eE+-"u8);

    /// <summary>Length of the metric name at the start of <paramref name="text"/>; 0 when there is none.</summary>
    public static int MetricNameLength(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || IsDigit(text[0]))
        {
            return 0;
        }

        var end = text.IndexOfAnyExcept(MetricNameChars);
        return end < 0 ? text.Length : end;
    }

    public static bool IsMetricName(ReadOnlySpan<byte> text) => !text.IsEmpty && MetricNameLength(text) == text.Length;

    /// <summary>Length of the label name at the start of <paramref name="text"/>; 0 when there is none.</summary>
    public static int LabelNameLength(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || IsDigit(text[0]) || text[0] == ':')
        {
            return 0;
        }

        var end = text.IndexOfAnyExcept(LabelNameChars);
        return end < 0 ? text.Length : end;
    }

    /// <summary>The index of the first byte at or after <paramref name="position"/> that is not a space or tab.</summary>
    public static int SkipBlanks(ReadOnlySpan<byte> line, int position)
    {
        while (position < line.Length && line[position] is (byte)' ' or (byte)'\t')
        {
            position++;
        }

        return position;
    }

    public static ReadOnlySpan<byte> TrimBlanksStart(ReadOnlySpan<byte> text) => text[SkipBlanks(text, 0)..];

    /// <summary>A float as Go's <c>strconv.ParseFloat</c> reads it, less hex and underscores (which Prometheus rejects too).</summary>
    /// <remarks>Go reports a decimal beyond the double range (<c>1e400</c>) as an error where .NET rounds it to infinity.</remarks>
    public static bool TryParseGoFloat(ReadOnlySpan<byte> text, out double value) =>
        TryParseSpecial(text, allowSignedNaN: false, out value) || (TryParseDecimal(text, out value) && double.IsFinite(value));

    /// <summary>An OpenMetrics number: a decimal, or <c>NaN</c>/<c>±Inf</c>/<c>±Infinity</c> (case-insensitive).</summary>
    public static bool TryParseOpenMetricsNumber(ReadOnlySpan<byte> text, out double value) =>
        TryParseSpecial(text, allowSignedNaN: false, out value) || TryParseDecimal(text, out value);

    /// <summary>A plain decimal number (digits, point, exponent): no NaN, no infinity, no hex.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.ContainsAnyExcept(s_decimalChars) || !ContainsDigit(text))
        {
            return false;
        }

        return double.TryParse(text, DecimalStyle, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A base-10 int64 as Go's <c>strconv.ParseInt</c> reads it (the 0.0.4 millisecond timestamp).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var digits = text.Length > 0 && (text[0] == '+' || text[0] == '-') ? text[1..] : text;
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return false;
        }

        return Utf8Parser.TryParse(text[0] == '+' ? text[1..] : text, out value, out var consumed) && consumed == (text[0] == '+' ? text.Length - 1 : text.Length);
    }

    private static bool TryParseSpecial(ReadOnlySpan<byte> text, bool allowSignedNaN, out double value)
    {
        value = 0;
        if (text.Length is < 3 or > 9)
        {
            return false;
        }

        var sign = text[0] is (byte)'+' or (byte)'-' ? text[0] : (byte)0;
        var word = sign == 0 ? text : text[1..];
        if (Ascii.EqualsIgnoreCase(word, "inf"u8) || Ascii.EqualsIgnoreCase(word, "infinity"u8))
        {
            value = sign == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(word, "nan"u8) && (sign == 0 || allowSignedNaN))
        {
            value = double.NaN;
            return true;
        }

        return false;
    }

    private static bool ContainsDigit(ReadOnlySpan<byte> text) => text.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0;

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
