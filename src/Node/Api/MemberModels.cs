// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace RaftCache.Node.Api;

/// <summary>POST /admin/members: the REST address of a running, empty node started with --join; optionally the id it should get.</summary>
public sealed record AddMemberRequest(
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("id")] ulong? Id);

/// <summary>A member and what is happening to it: GET /admin/members/{id}, and the answer to adding or removing one.</summary>
public sealed record MemberStatusView(
    [property: JsonPropertyName("id")] ulong Id,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("peer_address")] string? PeerAddress,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("last_heartbeat")] DateTimeOffset? LastHeartbeat,
    [property: JsonPropertyName("replicas")] IReadOnlyList<int> Replicas,
    [property: JsonPropertyName("preferred_leader_of")] IReadOnlyList<int> PreferredLeaderOf,
    [property: JsonPropertyName("moves")] IReadOnlyList<MoveView> Moves,
    [property: JsonPropertyName("learners")] IReadOnlyList<LearnerView> Learners,
    [property: JsonPropertyName("status")] string StatusLink);

/// <summary>A shard whose replicas are being changed: where they are and where they are going.</summary>
public sealed record MoveView(
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("from")] IReadOnlyList<ulong> From,
    [property: JsonPropertyName("to")] IReadOnlyList<ulong> To);

/// <summary>A learner catching up, as the shard leader answering sees it (lag = leader's last index − learner's match).</summary>
public sealed record LearnerView(
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("member")] ulong Member,
    [property: JsonPropertyName("match_index")] ulong MatchIndex,
    [property: JsonPropertyName("lag")] ulong Lag,
    [property: JsonPropertyName("state")] string State);
