// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace RaftCache.Node.Metadata;

/// <summary>Lifecycle of a member (API.md: joining / active / leaving / down). Persisted: append-only values.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberState>))]
public enum MemberState
{
    Active = 0,

    /// <summary>Added; becomes active once it is a voter of the metadata group.</summary>
    Joining = 1,

    /// <summary>Being drained: its replicas move away, then it is removed.</summary>
    Leaving = 2,
}

/// <summary>
/// A member as the metadata group knows it. <see cref="RestUrl"/> is published by the member itself after it
/// starts (founders) or given when it is added (joiners).
/// </summary>
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

    /// <summary>How a cluster id is written wherever users see it (admin views, the join exchange): 16 hex digits.</summary>
    public static string FormatId(ulong clusterId) => clusterId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParseId(string? text, out ulong clusterId) =>
        ulong.TryParse(text, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out clusterId);

    /// <summary>Bumped by every applied change; a plan names the revision it was computed from and is dropped if stale.</summary>
    public ulong Revision { get; init; }

    /// <summary>
    /// Where the placement controller wants a shard's replicas, for shards being changed; a shard without an entry
    /// is where it should be (<see cref="Placement"/>). The shard's leader walks its group towards the target.
    /// </summary>
    public ImmutableSortedDictionary<int, ImmutableArray<ulong>> Targets { get; init; } = ImmutableSortedDictionary<int, ImmutableArray<ulong>>.Empty;

    /// <summary>The member each shard's leadership should settle on, so leaders are spread evenly.</summary>
    public ImmutableSortedDictionary<int, ulong> PreferredLeaders { get; init; } = ImmutableSortedDictionary<int, ulong>.Empty;

    /// <summary>The shard configuration index each <see cref="Placement"/> entry was taken at (older reports are ignored).</summary>
    public ImmutableSortedDictionary<int, ulong> PlacementIndexes { get; init; } = ImmutableSortedDictionary<int, ulong>.Empty;

    /// <summary>Members the metadata leader has not heard from for the configured down time (shown as "down").</summary>
    public ImmutableSortedSet<ulong> DownMembers { get; init; } = ImmutableSortedSet<ulong>.Empty;

    /// <summary>Ids of removed members: never admitted again, never reused.</summary>
    public ImmutableSortedSet<ulong> RemovedIds { get; init; } = ImmutableSortedSet<ulong>.Empty;

    /// <summary>
    /// The latest operator requests applied (by session), with their answers: a re-proposed request is answered
    /// from here instead of applying again. Bounded by <see cref="MetadataRules.MaxRememberedRequests"/>, oldest first.
    /// </summary>
    public ImmutableList<AppliedRequest> AppliedRequests { get; init; } = ImmutableList<AppliedRequest>.Empty;

    /// <summary>Ids of revoked API keys: refused by every node, with their tokens, for good.</summary>
    public ImmutableSortedSet<string> RevokedKeyIds { get; init; } = ImmutableSortedSet<string>.Empty;

    /// <summary>Join tokens used so far, by token id, with the nodes each admitted (<see cref="JoinTokenRules"/>).</summary>
    public ImmutableSortedDictionary<string, JoinTokenUse> JoinTokens { get; init; } = ImmutableSortedDictionary<string, JoinTokenUse>.Empty;

    /// <summary>The replicas a shard should have: its target while it is being changed, else its placement.</summary>
    public ImmutableArray<ulong> TargetOf(int shard) =>
        Targets.TryGetValue(shard, out var target) ? target : Placement.GetValueOrDefault(shard, ImmutableArray<ulong>.Empty);

    /// <summary>True when <paramref name="node"/> holds, or is to hold, a replica of <paramref name="shard"/>.</summary>
    public bool Hosts(int shard, ulong node) =>
        Placement.GetValueOrDefault(shard, ImmutableArray<ulong>.Empty).Contains(node) || TargetOf(shard).Contains(node);

    /// <summary>True while a shard is moving onto <paramref name="node"/>: its target places it there, its placement not yet.</summary>
    public bool IsReceiving(ulong node) =>
        Targets.Any(t => t.Value.Contains(node) && !Placement.GetValueOrDefault(t.Key, ImmutableArray<ulong>.Empty).Contains(node));

    /// <summary>The id the next added member gets unless one is asked for: above every id ever used.</summary>
    [JsonIgnore]
    public ulong NextMemberId => Math.Max(Members.Keys.DefaultIfEmpty().Max(), RemovedIds.DefaultIfEmpty().Max()) + 1;
}

/// <summary>An operator request the metadata group applied: its session (client id and sequence) and its answer.</summary>
public sealed record AppliedRequest(ulong ClientId, ulong Sequence, AddMemberResult? Result);
