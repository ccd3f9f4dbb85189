// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using RaftCache.Node.Api;

namespace RaftCache.Node.Tests.Api;

/// <summary>The expiry written digit by digit (every reply's, string or UTF-8) must be the runtime's own formatting of the API's format.</summary>
public sealed class ExpiryFormatTests
{
    private static string Utf8(long ms) => Encoding.UTF8.GetString(ExpiryParser.FormatUtf8(ms, new byte[ExpiryParser.FormattedLength]));

    private static string Expected(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)] // 1969-12-31T23:59:59.999Z: before the epoch, milliseconds count down
    [InlineData(1_764_979_200_000L)]
    [InlineData(-62_135_596_800_000L)] // 0001-01-01T00:00:00.000Z, the first instant a date has
    [InlineData(253_402_300_799_999L)] // 9999-12-31T23:59:59.999Z, the last
    public void Edges_match_the_formatted_string(long ms)
    {
        Assert.Equal(Expected(ms), Utf8(ms));
        Assert.Equal(Expected(ms), ExpiryParser.Format(ms));
    }

    [Fact]
    public void Random_instants_over_the_whole_range_match_the_formatted_string()
    {
        var random = new Random(160_001);
        for (var i = 0; i < 20_000; i++)
        {
            var ms = random.NextInt64(-62_135_596_800_000L, 253_402_300_800_000L);
            Assert.Equal(Expected(ms), Utf8(ms));
        }
    }

    [Theory]
    [InlineData(-62_135_596_800_001L)]
    [InlineData(253_402_300_800_000L)]
    public void An_instant_outside_the_years_of_a_date_is_refused(long ms)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpiryParser.Format(ms));
        Assert.Throws<ArgumentOutOfRangeException>(() => Utf8(ms));
    }

    [Fact]
    public void No_expiry_formats_as_null() => Assert.Null(ExpiryParser.Format(null));

    [Fact]
    public void A_destination_shorter_than_the_format_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpiryParser.FormatUtf8(0, new byte[ExpiryParser.FormattedLength - 1]));
}
