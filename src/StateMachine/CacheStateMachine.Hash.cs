// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>The state hash (docs/state-machine.md, "State hash").</summary>
public sealed partial class CacheStateMachine
{
    private const ulong KeySeed = 1;
    private const ulong ContentTypeSeed = 2;
    private const ulong ValueSeed = 3;

    /// <summary>
    /// A 64-bit digest of the replicated state: applied index, memory limit, every entry (key, content type, value,
    /// version, expiry) and every session. Entries and sessions are combined by wrapping addition of their own
    /// hashes, an order-independent multiset hash, so it needs no sort and no replica's table layout matters.
    /// O(total bytes); meant for tests and the admin API, not the request path.
    /// </summary>
    public StateHash ComputeStateHash()
    {
        ulong entries = 0;
        for (var i = 0; i < _table.SlotsUsed; i++)
        {
            ref var slot = ref _table[i];
            if (slot.Blob is not null)
            {
                entries += EntryHash(slot);
            }
        }

        ulong sessions = 0;
        foreach (var (clientId, client) in _sessions.Clients)
        {
            ulong results = 0;
            foreach (var (sequence, result) in client.Results)
            {
                var outcome = StableHash.Combine(StableHash.Mix((ulong)result.Status), result.Version);
                results += StableHash.Combine(StableHash.Combine(sequence, outcome), (ulong)result.Count);
            }

            var header = StableHash.Combine(StableHash.Combine(clientId, client.Floor), (ulong)client.LastActivityMs);
            sessions += StableHash.Combine(header, results);
        }

        var state = StableHash.Combine(StableHash.Mix(AppliedIndex), (ulong)MemoryLimitBytes);
        state = StableHash.Combine(state, (ulong)_table.Count);
        state = StableHash.Combine(state, entries);
        state = StableHash.Combine(state, (ulong)_sessions.Count);
        return new StateHash(StableHash.Combine(state, sessions));
    }

    private static ulong EntryHash(in Slot slot)
    {
        var h = StableHash.Combine(StableHash.Hash(slot.Key, KeySeed), StableHash.Hash(slot.ContentType, ContentTypeSeed));
        h = StableHash.Combine(h, StableHash.Hash(slot.Value, ValueSeed));
        h = StableHash.Combine(h, slot.Version);
        return StableHash.Combine(h, (ulong)slot.ExpiresAtMs);
    }
}
