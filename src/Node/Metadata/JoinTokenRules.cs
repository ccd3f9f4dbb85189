// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;

namespace RaftCache.Node.Metadata;

/// <summary>How often a join token was used: the peer addresses of the nodes it admitted (a retry by one of them is no new use).</summary>
public sealed record JoinTokenUse(long ExpiresUnixSeconds, int Uses, ImmutableSortedSet<string> PeerAddresses);

/// <summary>
/// A node admits itself with a join token the receiving member has already checked (signature and expiry, which
/// need a secret and a clock and so stay out of the log): recorded like <see cref="AddMemberCommand"/> with the
/// next unused id, and counted against the token's uses in the same step, so two members admitting two nodes with
/// the last use of one token at once cannot both succeed.
/// </summary>
public sealed record AdmitWithJoinTokenCommand(string PeerAddress, string RestUrl, string TokenId, long ExpiresUnixSeconds, int Uses) : MetadataCommand;

/// <summary>The metadata rules of <see cref="AdmitWithJoinTokenCommand"/>.</summary>
public static class JoinTokenRules
{
    /// <summary>Tokens whose uses the record keeps; beyond it the one expiring first is forgotten (it is then most likely expired).</summary>
    public const int MaxTrackedTokens = 1000;

    /// <summary>The start of the error of a token whose uses are all spent (the endpoint answers it like a wrong credential).</summary>
    public const string UsedUp = "the join token was already used";

    public static (ClusterRecord Next, AddMemberResult? Result) Apply(ClusterRecord current, AdmitWithJoinTokenCommand admit)
    {
        var use = current.JoinTokens.GetValueOrDefault(admit.TokenId)
            ?? new JoinTokenUse(admit.ExpiresUnixSeconds, admit.Uses, ImmutableSortedSet<string>.Empty);
        var retry = use.PeerAddresses.Contains(admit.PeerAddress);
        if (!retry && use.PeerAddresses.Count >= use.Uses)
            return (current, new AddMemberResult(0, $"{UsedUp} {use.PeerAddresses.Count} time(s), all it allows"));
        var (next, result) = MetadataRules.Apply(current, new AddMemberCommand(admit.PeerAddress, admit.RestUrl, 0));
        if (result is not { Error: null } || retry) return (next, result);
        var tokens = next.JoinTokens;
        if (!tokens.ContainsKey(admit.TokenId) && tokens.Count >= MaxTrackedTokens)
            tokens = tokens.Remove(tokens.MinBy(t => (t.Value.ExpiresUnixSeconds, t.Key)).Key);
        tokens = tokens.SetItem(admit.TokenId, use with { PeerAddresses = use.PeerAddresses.Add(admit.PeerAddress) });
        return (next with { JoinTokens = tokens }, result);
    }
}
