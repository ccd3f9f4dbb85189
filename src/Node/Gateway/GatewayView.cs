// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace RaftCache.Node.Gateway;

/// <summary>How the gateway last saw a member: ready (serves every shard it holds), live (answers but is not ready) or down.</summary>
public enum MemberHealth
{
    Unknown = 0,
    Ready = 1,
    Live = 2,
    Down = 3,
}

/// <summary>One member the gateway may send requests to.</summary>
public sealed record GatewayMember(
    [property: JsonPropertyName("id")] ulong Id,
    [property: JsonPropertyName("address")] Uri Address,
    [property: JsonPropertyName("health"), JsonConverter(typeof(JsonStringEnumConverter<MemberHealth>))] MemberHealth Health);

/// <summary>A shard's slot range and the member leading it, as a member last reported.</summary>
public sealed record GatewayShard(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("first_slot")] int FirstSlot,
    [property: JsonPropertyName("last_slot")] int LastSlot,
    [property: JsonPropertyName("leader")] ulong Leader);

/// <summary>
/// Everything the gateway knows about the cluster, immutable and replaced whole after each discovery round (readers
/// never see half an update). Ids are 0 for seeds not yet confirmed by /admin/cluster.
/// </summary>
public sealed record GatewayView(
    [property: JsonPropertyName("members")] IReadOnlyList<GatewayMember> Members,
    [property: JsonPropertyName("shards")] IReadOnlyList<GatewayShard> Shards,
    [property: JsonPropertyName("discovered_at")] DateTimeOffset? DiscoveredAt)
{
    public static GatewayView FromSeeds(IEnumerable<Uri> seeds) =>
        new(seeds.Select(s => new GatewayMember(0, s, MemberHealth.Unknown)).ToArray(), [], null);

    /// <summary>The leader of the shard holding <paramref name="slot"/>, or 0 when unknown.</summary>
    public ulong LeaderOfSlot(int slot) =>
        Shards.FirstOrDefault(s => s.FirstSlot <= slot && slot <= s.LastSlot)?.Leader ?? 0;
}
