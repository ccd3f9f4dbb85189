// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Buffers.Text;

namespace RaftCache.Node.Membership;

/// <summary>
/// A join token lets an empty node started with <c>--join</c> admit itself, without an operator's admin call:
/// <c>rcj1.&lt;expires unix s&gt;.&lt;uses&gt;.&lt;id&gt;.&lt;mac&gt;</c>, the MAC an HMAC-SHA256 over the rest under a key
/// derived from the cluster secret, so every member can check a token it never saw and no table of tokens must
/// exist before the cluster does (a Kubernetes Secret can hold one before the first pod starts). The MAC is
/// compared in constant time. Expiry is checked by the member against its clock; how often a token was used is
/// counted in the metadata group (<see cref="Metadata.JoinTokenRules"/>), so a token is good for at most
/// <see cref="Uses"/> distinct nodes cluster-wide.
/// </summary>
public sealed record JoinToken(string Id, DateTimeOffset Expires, int Uses)
{
    public const string Prefix = "rcj1";

    /// <summary>Upper bounds on what a token may say: it is meant for one scaling episode, not for ever.</summary>
    public const int MaxUses = 1000;

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    /// <summary>Longest text accepted, so a huge body is refused before any work is done on it.</summary>
    public const int MaxLength = 256;

    private static readonly byte[] KeyLabel = "raftcache join-token key v1"u8.ToArray();

    /// <summary>Mints a token with a fresh random id.</summary>
    public static string Mint(string clusterSecret, TimeSpan lifetime, int uses, TimeProvider time)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime) throw new ArgumentOutOfRangeException(nameof(lifetime), $"a join token lives between 1 s and {MaxLifetime.TotalDays} days");
        if (uses is < 1 or > MaxUses) throw new ArgumentOutOfRangeException(nameof(uses), $"a join token allows 1..{MaxUses} uses");
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
        var expires = time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        var body = string.Create(CultureInfo.InvariantCulture, $"{Prefix}.{expires}.{uses}.{id}");
        return body + "." + Base64Url.EncodeToString(Mac(KeyOf(clusterSecret), body));
    }

    /// <summary>
    /// The token, or why it is refused: malformed, not signed with any of <paramref name="clusterSecrets"/>
    /// (every secret of a rotation is tried, each comparison in constant time), or expired.
    /// </summary>
    public static (JoinToken? Token, string? Error) Verify(string? text, IReadOnlyList<string> clusterSecrets, TimeProvider time)
    {
        const string Malformed = "the join token is malformed (expected rcj1.<expires>.<uses>.<id>.<mac>)";
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return (null, Malformed);
        var parts = text.Split('.');
        if (parts.Length != 5 || parts[0] != Prefix
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uses)
            || uses is < 1 or > MaxUses || parts[3].Length is < 8 or > 64) return (null, Malformed);
        byte[] given;
        try
        {
            given = Base64Url.DecodeFromChars(parts[4]);
        }
        catch (FormatException)
        {
            return (null, Malformed);
        }
        var body = text[..text.LastIndexOf('.')];
        var valid = false;
        foreach (var secret in clusterSecrets) valid |= CryptographicOperations.FixedTimeEquals(Mac(KeyOf(secret), body), given);
        if (!valid) return (null, "the join token is not valid for this cluster (wrong token or cluster secret)");
        var at = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(expires, 0, 253_402_300_799));
        if (time.GetUtcNow() >= at) return (null, $"the join token expired at {at:u}");
        return (new JoinToken(parts[3], at, uses), null);
    }

    private static byte[] KeyOf(string clusterSecret) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(clusterSecret), KeyLabel);

    private static byte[] Mac(byte[] key, string body) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(body));
}
