// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;

namespace RaftCache.Node.Gateway;

/// <summary>
/// Reads the parts of a member's GET /admin/cluster answer the gateway routes by: the members' REST addresses and,
/// per shard, its slot range and leader. Tolerant of fields it does not know, so members may add some.
/// </summary>
public static class ClusterViewReader
{
    public static bool TryRead(JsonElement root, out IReadOnlyList<GatewayMember> members, out IReadOnlyList<GatewayShard> shards)
    {
        members = [];
        shards = [];
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("members", out var memberArray) || memberArray.ValueKind != JsonValueKind.Array
            || !root.TryGetProperty("shards", out var shardArray) || shardArray.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        var memberList = new List<GatewayMember>();
        foreach (var member in memberArray.EnumerateArray())
        {
            // A member without a REST address (not yet reported) or one on its way out cannot serve requests.
            if (member.TryGetProperty("address", out var address) && address.ValueKind == JsonValueKind.String
                && Uri.TryCreate(address.GetString(), UriKind.Absolute, out var uri)
                && member.TryGetProperty("id", out var id) && id.TryGetUInt64(out var memberId)
                && !(member.TryGetProperty("state", out var state) && state.GetString() is "removed"))
            {
                memberList.Add(new GatewayMember(memberId, uri, MemberHealth.Unknown));
            }
        }
        var shardList = new List<GatewayShard>();
        foreach (var shard in shardArray.EnumerateArray())
        {
            if (shard.TryGetProperty("id", out var id) && id.TryGetInt32(out var shardId)
                && shard.TryGetProperty("slots", out var slots) && slots.ValueKind == JsonValueKind.Array && slots.GetArrayLength() == 2
                && slots[0].TryGetInt32(out var first) && slots[1].TryGetInt32(out var last))
            {
                var leader = shard.TryGetProperty("leader", out var l) && l.TryGetUInt64(out var leaderId) ? leaderId : 0;
                shardList.Add(new GatewayShard(shardId, first, last, leader));
            }
        }
        members = memberList;
        shards = shardList;
        return true;
    }
}
