// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Node.Sharding;

namespace RaftCache.Node.Gateway;

/// <summary>
/// The order in which the gateway tries members for one request: the leader of the key's shard first (it serves
/// the request without a forward), then ready members, then members that answer but are not ready; members found
/// down only when nothing else is left. Round-robin within a class spreads requests that have no leader preference.
/// </summary>
public static class GatewayRouter
{
    private static int _turn;

    public static IReadOnlyList<Uri> Candidates(GatewayView view, string path)
    {
        var leader = KeyOf(path) is { } key ? view.LeaderOfSlot(HashSlots.SlotOf(Encoding.UTF8.GetBytes(key))) : 0;
        var start = Interlocked.Increment(ref _turn) & int.MaxValue;
        var members = view.Members;
        return members
            .Select((m, i) => (Member: m, Order: (i - start % Math.Max(1, members.Count) + members.Count) % Math.Max(1, members.Count)))
            .OrderBy(x => Rank(x.Member, leader))
            .ThenBy(x => x.Order)
            .Select(x => x.Member.Address)
            .Distinct()
            .ToArray();
    }

    private static int Rank(GatewayMember member, ulong leader) => member.Health switch
    {
        MemberHealth.Down => 4,
        _ when leader != 0 && member.Id == leader => 0,
        MemberHealth.Ready => 1,
        MemberHealth.Unknown => 2,
        _ => 3,
    };

    /// <summary>The key of a /keys/{key} path (percent-decoded as the node decodes it), or null for other paths.</summary>
    public static string? KeyOf(string path)
    {
        const string prefix = "/keys/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Length == prefix.Length) return null;
        try
        {
            return Uri.UnescapeDataString(path[prefix.Length..]);
        }
        catch (UriFormatException)
        {
            return null; // the node will refuse the key; any member can say so
        }
    }
}
