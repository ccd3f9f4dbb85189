// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using RaftCache.Node.Security;

namespace RaftCache.Node.Tests.Security;

/// <summary>The failed-attempt limit: per address, per window, bounded in memory.</summary>
public sealed class AuthFailureLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    [Fact]
    public void An_address_is_blocked_at_the_limit_until_its_window_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new AuthFailureLimiter(3, TimeSpan.FromSeconds(60), time);
        limiter.RecordFailure(A);
        limiter.RecordFailure(A);
        Assert.False(limiter.IsBlocked(A, out _));

        limiter.RecordFailure(A);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(limiter.IsBlocked(A, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.False(limiter.IsBlocked(B, out _));

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.False(limiter.IsBlocked(A, out _));
    }

    [Fact]
    public void The_table_stays_bounded_and_new_addresses_share_one_entry_when_it_is_full()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new AuthFailureLimiter(2, TimeSpan.FromSeconds(60), time);
        for (var i = 0; i < AuthFailureLimiter.MaxTrackedAddresses + 500; i++)
        {
            limiter.RecordFailure(new IPAddress(BitConverter.GetBytes(0x0B000000 + i)));
        }

        Assert.True(limiter.TrackedAddresses <= AuthFailureLimiter.MaxTrackedAddresses + 1);
        // The 500 late addresses all landed in the overflow entry, which is over the limit: a new address is refused.
        Assert.True(limiter.IsBlocked(IPAddress.Parse("192.0.2.1"), out _));

        time.Advance(TimeSpan.FromSeconds(61));
        limiter.RecordFailure(IPAddress.Parse("192.0.2.1"));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("192.0.2.1"), out _));
    }
}
