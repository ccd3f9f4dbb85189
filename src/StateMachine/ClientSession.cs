// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// Identifies a write for at-most-once application (Raft dissertation §6.3). A client numbers its writes;
/// a retried or re-forwarded write carries the same <see cref="Sequence"/> and gets the original result back.
/// </summary>
/// <param name="ClientId">Non-zero client identifier, unique per client incarnation.</param>
/// <param name="Sequence">The number of this write, unique per client.</param>
/// <param name="FirstUnacknowledged">
/// The client has seen the results of every sequence below this one, so replicas may discard them.
/// Must not exceed <see cref="Sequence"/>. A client with one write in flight passes <see cref="Sequence"/>.
/// </param>
public readonly record struct ClientSession(ulong ClientId, ulong Sequence, ulong FirstUnacknowledged);
