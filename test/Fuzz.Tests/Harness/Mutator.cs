using System.Text;

namespace OrleansKaitoScaler.Fuzz.Tests.Harness;

/// <summary>
/// Damages a valid body the ways a broken exporter, a proxy or a cut connection would: flipped bits, stray or
/// missing delimiters, numbers out of range, lines spliced from another body, truncation. A few mutations per input
/// keep most of the body intact, so the parser gets deep before it meets the damage.
/// </summary>
internal static class Mutator
{
    /// <summary>Bytes that mean something to an exposition parser, more likely to reach an edge than random ones.</summary>
    private static readonly byte[] s_special = "\n\r\t \"\\{}=,#.+-eE0123456789_:"u8.ToArray().Concat(new byte[] { 0, 0x7F, 0x80, 0xC3, 0xE2, 0xFF }).ToArray();

    private static readonly string[] s_tokens =
    [
        "NaN", "+Inf", "-Inf", "Inf", "inf", "-nan", "1e400", "-1e400", "4.9e-324", "0x1p3", "1_000", "9223372036854775808",
        "-9223372036854775809", "\\", "\\\"", "\\n", "\\t", "\"", "{", "}", "{}", "{le=\"+Inf\"}", "{quantile=\"x\"}", "le", "_bucket", "_sum",
        "_count", "_total", "_created", "# EOF", "# EOF\n", "# TYPE ", "# HELP ", "# UNIT ", " # {a=\"b\"} 1", "histogram", "summary",
        "gaugehistogram", "stateset", "info", "unknown", "\u00e9", "\ud83d\ude00", "\u200b", "\r\n", "\n\n", "  ", "\t",
    ];

    public static byte[] Mutate(Random random, byte[] body, IReadOnlyList<(string Name, byte[] Body)> donors)
    {
        var bytes = new List<byte>(body);
        var count = 1 + random.Next(4);
        for (var m = 0; m < count; m++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count + 1);
            switch (random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    var flip = Math.Min(at, bytes.Count - 1);
                    bytes[flip] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, s_special[random.Next(s_special.Length)]);
                    break;
                case 2 when bytes.Count > 0:
                    var start = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(start, Math.Min(bytes.Count - start, 1 + random.Next(16)));
                    break;
                case 3:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(s_tokens[random.Next(s_tokens.Length)]));
                    break;
                case 4 when bytes.Count > 0:
                    var from = random.Next(bytes.Count);
                    var length = Math.Min(bytes.Count - from, 1 + random.Next(64));
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
                case 5:
                    var donor = donors[random.Next(donors.Count)].Body;
                    var line = RandomLine(random, donor);
                    bytes.InsertRange(LineStart(bytes, at), line);
                    break;
                case 6 when bytes.Count > 0:
                    bytes.RemoveRange(at == bytes.Count ? at - 1 : at, bytes.Count - (at == bytes.Count ? at - 1 : at));
                    break;
                case 7:
                    ReplaceNumber(random, bytes, at);
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>Random bytes, half the time drawn only from the bytes the formats use.</summary>
    public static byte[] Arbitrary(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(maxLength + 1)];
        if (random.Next(2) == 0)
        {
            random.NextBytes(bytes);
        }
        else
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = random.Next(4) == 0 ? (byte)random.Next('a', 'z' + 1) : s_special[random.Next(s_special.Length)];
            }
        }

        return bytes;
    }

    private static byte[] RandomLine(Random random, byte[] body)
    {
        var start = LineStart(body, random.Next(body.Length + 1));
        var end = Array.IndexOf(body, (byte)'\n', start);
        return body[start..(end < 0 ? body.Length : end + 1)];
    }

    private static int LineStart(IReadOnlyList<byte> bytes, int at)
    {
        while (at > 0 && bytes[at - 1] != '\n')
        {
            at--;
        }

        return at;
    }

    /// <summary>Replaces the number nearest after <paramref name="at"/> with a token from <see cref="s_tokens"/>.</summary>
    private static void ReplaceNumber(Random random, List<byte> bytes, int at)
    {
        var start = at;
        while (start < bytes.Count && !char.IsAsciiDigit((char)bytes[start]))
        {
            start++;
        }

        var end = start;
        while (end < bytes.Count && (char.IsAsciiDigit((char)bytes[end]) || bytes[end] is (byte)'.' or (byte)'e' or (byte)'-' or (byte)'+'))
        {
            end++;
        }

        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.UTF8.GetBytes(s_tokens[random.Next(12)]));
    }
}
