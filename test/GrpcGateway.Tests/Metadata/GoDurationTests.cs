using OrleansKaitoScaler.Abstractions.Metadata;

namespace OrleansKaitoScaler.GrpcGateway.Tests.Metadata;

/// <summary>The cases of Go's own time.ParseDuration tests that matter to a scrape timeout, plus overflow edges.</summary>
public sealed class GoDurationTests
{
    private const long Second = 1_000_000_000;

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("5s", 5 * Second)]
    [InlineData("30s", 30 * Second)]
    [InlineData("1478s", 1478 * Second)]
    [InlineData("-5s", -5 * Second)]
    [InlineData("+5s", 5 * Second)]
    [InlineData("5.0s", 5 * Second)]
    [InlineData("5.6s", 5_600_000_000L)]
    [InlineData("5.s", 5 * Second)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.004s", 1_004_000_000L)]
    [InlineData("100.00100s", 100_001_000_000L)]
    [InlineData("100ns", 100L)]
    [InlineData("1us", 1_000L)]
    [InlineData("1\u00B5s", 1_000L)]
    [InlineData("1\u03BCs", 1_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("2m", 120 * Second)]
    [InlineData("2h", 7200 * Second)]
    [InlineData("1m30s", 90 * Second)]
    [InlineData("3h30m", 12_600 * Second)]
    [InlineData("10.5s4m", 250_500_000_000L)]
    [InlineData("-2m3.4s", -123_400_000_000L)]
    [InlineData("1h2m3s4ms5us6ns", 3_723_004_005_006L)]
    [InlineData("39h9m14.425s", 140_954_425_000_000L)]
    [InlineData("0.3333333333333333333h", 1_200_000_000_000L)]
    [InlineData("9223372036854775807ns", long.MaxValue)]
    [InlineData("9223372036.854775807s", long.MaxValue)]
    [InlineData("-9223372036854775808ns", long.MinValue)]
    public void Go_durations_parse_to_the_same_length_as_in_Go(string text, long nanoseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromTicks(nanoseconds / 100), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("-")]
    [InlineData("s")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData(".s")]
    [InlineData("+.s")]
    [InlineData("1.5")]
    [InlineData("1d")]
    [InlineData("3sec")]
    [InlineData("1S")]
    [InlineData("1hm")]
    [InlineData("1 s")]
    [InlineData(" 1s")]
    [InlineData("1s ")]
    [InlineData("1e3s")]
    [InlineData("3000000h")]
    [InlineData("9223372036854775808ns")]
    [InlineData("9223372036854775807ns1ns")]
    [InlineData("１s")]
    public void Anything_else_is_not_a_Go_duration(string text)
    {
        Assert.False(GoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Fact]
    public void Null_is_not_a_Go_duration() => Assert.False(GoDuration.TryParse(null, out _));

    [Fact]
    public void Lengths_are_truncated_to_TimeSpans_100_nanosecond_resolution() =>
        Assert.True(GoDuration.TryParse("150ns", out var d) && d == TimeSpan.FromTicks(1));
}
