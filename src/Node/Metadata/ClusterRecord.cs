// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace RaftCache.Node.Metadata;

/// <summary>Lifecycle of a member (API.md: joining / active / leaving / down). Persisted: append-only values.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberState>))]
public enum MemberState
{
    Active = 0,
    Joining = 1,
    Leaving = 2,
}

/// <summary>A member as the metadata group knows it. <see cref="RestUrl"/> is published by the member itself after it starts.</summary>
public sealed record MemberInfo(ulong Id, string PeerAddress, string? RestUrl, MemberState State);

/// <summary>
/// The cluster as the metadata group (Raft group 0) holds it: members, shard count, replication factor and
/// where each shard's replicas live. Immutable; replaced whole on every applied change (STYLE.md point 13).
/// </summary>
public sealed record ClusterRecord(
    ulong ClusterId,
    int ShardCount,
    int ReplicationFactor,
    ImmutableSortedDictionary<ulong, MemberInfo> Members,
    ImmutableSortedDictionary<int, ImmutableArray<ulong>> Placement)
{
    public static readonly ClusterRecord Empty = new(0, 0, 0, ImmutableSortedDictionary<ulong, MemberInfo>.Empty, ImmutableSortedDictionary<int, ImmutableArray<ulong>>.Empty);

    [JsonIgnore]
    public bool IsBootstrapped => ClusterId != 0;
}
