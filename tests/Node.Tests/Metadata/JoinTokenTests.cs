// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
using RaftCache.Node.Membership;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Tests.Metadata;

/// <summary>Join tokens: signature, expiry and tampering checked by any member; uses counted by the metadata rules.</summary>
public sealed class JoinTokenTests
{
    private const string Secret = "a-cluster-secret-of-enough-bytes";

    [Fact]
    public void A_minted_token_verifies_until_it_expires_and_then_says_so()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var text = JoinToken.Mint(Secret, TimeSpan.FromHours(1), 3, time);
        var (token, error) = JoinToken.Verify(text, [Secret], time);
        Assert.Null(error);
        Assert.Equal(3, token!.Uses);
        time.Advance(TimeSpan.FromHours(1));
        (token, error) = JoinToken.Verify(text, [Secret], time);
        Assert.Null(token);
        Assert.Contains("expired", error);
    }

    [Theory]
    [InlineData("uses")]
    [InlineData("expiry")]
    [InlineData("mac")]
    [InlineData("secret")]
    [InlineData("garbage")]
    public void A_tampered_or_foreign_token_is_refused(string change)
    {
        var time = TimeProvider.System;
        var text = JoinToken.Mint(Secret, TimeSpan.FromHours(1), 1, time);
        var parts = text.Split('.');
        var bad = change switch
        {
            "uses" => string.Join('.', parts[0], parts[1], "1000", parts[3], parts[4]),
            "expiry" => string.Join('.', parts[0], (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 86_400).ToString(System.Globalization.CultureInfo.InvariantCulture), parts[2], parts[3], parts[4]),
            "mac" => text[..^2] + (text[^2] == 'A' ? "BB" : "AA"),
            "secret" => JoinToken.Mint("another-cluster-secret-entirely", TimeSpan.FromHours(1), 1, time),
            _ => "rcj1.not.a.token",
        };
        var (token, error) = JoinToken.Verify(bad, [Secret], time);
        Assert.Null(token);
        Assert.NotNull(error);
    }

    [Fact]
    public void A_token_signed_with_the_previous_secret_of_a_rotation_still_verifies()
    {
        var text = JoinToken.Mint("the-previous-cluster-secret", TimeSpan.FromHours(1), 1, TimeProvider.System);
        Assert.NotNull(JoinToken.Verify(text, [Secret, "the-previous-cluster-secret"], TimeProvider.System).Token);
    }

    [Fact]
    public void Uses_are_counted_per_node_and_a_retry_by_the_same_node_uses_nothing()
    {
        var record = PlannerFixtures.Founded(3, 16, 3);
        AdmitWithJoinTokenCommand Admit(int n) => new($"127.0.0.1:{7000 + n}", $"http://127.0.0.1:{8000 + n}", "token-a", 1_900_000_000, 2);

        (record, var first) = Apply(record, Admit(1));
        (record, var retry) = Apply(record, Admit(1));
        (record, var second) = Apply(record, Admit(2));
        var (after, third) = Apply(record, Admit(3));

        Assert.Equal((4UL, (string?)null), (first!.Id, first.Error));
        Assert.Equal(4UL, retry!.Id);
        Assert.Equal(5UL, second!.Id);
        Assert.StartsWith(JoinTokenRules.UsedUp, third!.Error);
        Assert.Equal(record.Members.Count, after.Members.Count);
        Assert.Equal(2, record.JoinTokens["token-a"].PeerAddresses.Count);
    }

    [Fact]
    public void The_record_keeps_a_bounded_number_of_tokens_forgetting_the_one_expiring_first()
    {
        var record = PlannerFixtures.Founded(3, 16, 3);
        for (var i = 0; i <= JoinTokenRules.MaxTrackedTokens; i++)
            (record, _) = JoinTokenRules.Apply(record, new AdmitWithJoinTokenCommand($"10.0.{i / 250}.{i % 250}:6001", "http://x:5001", $"t{i}", 2_000_000_000 - i, 1));
        Assert.Equal(JoinTokenRules.MaxTrackedTokens, record.JoinTokens.Count);
        Assert.False(record.JoinTokens.ContainsKey($"t{JoinTokenRules.MaxTrackedTokens - 1}"));   // expired first of those kept
        Assert.True(record.JoinTokens.ContainsKey($"t{JoinTokenRules.MaxTrackedTokens}"));
    }

    private static (ClusterRecord, AddMemberResult?) Apply(ClusterRecord record, MetadataCommand command)
    {
        var machine = new MetadataStateMachine();
        machine.Apply(1, new BootstrapCommand(record).Encode());
        var result = machine.Apply(2, command.Encode());
        return (machine.Current, result);
    }
}
