using System.Diagnostics.CodeAnalysis;

namespace OrleansKaitoScaler.Abstractions.Metadata;

/// <summary>
/// Parses durations written the way Go's <c>time.ParseDuration</c> reads them, because the Go
/// keda-kaito-scaler reads <c>scrapeTimeout</c> with it and ScaledObjects written for it must keep working.
/// </summary>
/// <remarks>
/// Grammar: an optional sign, then one or more <c>number unit</c> pairs such as <c>300ms</c>, <c>-1.5h</c>,
/// <c>2h45m</c>; a number may have a fraction (<c>1.5s</c>, <c>.5s</c>, <c>1.s</c>); units are <c>ns</c>,
/// <c>us</c> (or <c>µs</c>, <c>μs</c>), <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>. A bare <c>0</c> is zero.
/// No spaces, no exponent, and like Go the total must fit in a signed 64-bit count of nanoseconds.
/// The result is truncated to <see cref="TimeSpan"/>'s resolution of 100 ns.
/// </remarks>
public static class GoDuration
{
    /// <summary>The units accepted, for error messages.</summary>
    public const string Units = "ns, us (µs), ms, s, m, h";

    private const ulong MaxMagnitude = 1UL << 63;

    /// <summary>Parses <paramref name="text"/>; false (and zero) when it is not a Go duration or overflows.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (!TryParseNanoseconds(text, out var nanoseconds))
        {
            return false;
        }

        duration = TimeSpan.FromTicks(nanoseconds / (1_000_000_000 / TimeSpan.TicksPerSecond));
        return true;
    }

    // A port of Go's time.ParseDuration (src/time/format.go), kept step for step so edge cases agree.
    private static bool TryParseNanoseconds([NotNullWhen(true)] string? text, out long nanoseconds)
    {
        nanoseconds = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (!s.IsEmpty && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return false;
            }

            var before = s.Length;
            if (!TryLeadingInt(ref s, out var whole))
            {
                return false;
            }

            var hasWhole = before != s.Length;
            var hasFraction = false;
            ulong fraction = 0;
            var scale = 1.0;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                before = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                hasFraction = before != s.Length;
            }

            if (!hasWhole && !hasFraction)
            {
                return false;
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0 || !TryUnit(s[..unitLength], out var unit))
            {
                return false;
            }

            s = s[unitLength..];
            if (whole > MaxMagnitude / unit)
            {
                return false;
            }

            whole *= unit;
            if (fraction > 0)
            {
                // Double precision is enough to be exact to the nanosecond for fractions of an hour (3.6e12 ns).
                whole += (ulong)(fraction * (unit / scale));
                if (whole > MaxMagnitude)
                {
                    return false;
                }
            }

            total += whole;
            if (total > MaxMagnitude)
            {
                return false;
            }
        }

        if (negative)
        {
            nanoseconds = total == MaxMagnitude ? long.MinValue : -(long)total;
            return true;
        }

        if (total > long.MaxValue)
        {
            return false;
        }

        nanoseconds = (long)total;
        return true;
    }

    private static bool TryLeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > MaxMagnitude / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)(s[i] - '0');
            if (value > MaxMagnitude)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    // Digits past the point where they would overflow are consumed but ignored, as in Go.
    private static void LeadingFraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var overflow = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (overflow)
            {
                continue;
            }

            if (value > (MaxMagnitude - 1) / 10)
            {
                overflow = true;
                continue;
            }

            var next = (value * 10) + (ulong)(s[i] - '0');
            if (next > MaxMagnitude)
            {
                overflow = true;
                continue;
            }

            value = next;
            scale *= 10;
        }

        s = s[i..];
    }

    private static bool TryUnit(ReadOnlySpan<char> unit, out ulong nanoseconds)
    {
        nanoseconds = unit switch
        {
            "ns" => 1,
            "us" or "\u00B5s" or "\u03BCs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => 0,
        };
        return nanoseconds != 0;
    }
}
