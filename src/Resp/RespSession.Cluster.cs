// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Resp;

/// <summary>Cluster mode's key checks: one slot per command (CROSSSLOT), and MOVED to the shard leader's address.</summary>
public sealed partial class RespSession
{
    private bool CheckSlots(RespCommandSpec spec, byte[][] args)
    {
        var slots = spec.KeyPositions(args.Length).Select(i => backend.SlotOfKey(args[i])).Distinct().ToArray();
        if (slots.Length == 0) return true;
        if (slots.Length > 1)
        {
            writer.Error(RespErrors.CrossSlot);
            return false;
        }

        var shard = backend.Shards().FirstOrDefault(x => x.FirstSlot <= slots[0] && slots[0] <= x.LastSlot);
        if (shard?.Leader is not { } leader || leader.Id == backend.NodeId) return true;

        // READONLY lets a replica answer reads of its own shard locally, as a Redis replica does.
        var readHere = ReadOnlyMode && (spec.Flags & RespCommandFlags.Read) != 0 && shard.Replicas.Any(r => r.Id == backend.NodeId);
        if (readHere) return true;
        writer.Error($"MOVED {slots[0]} {leader.Host}:{leader.Port}");
        return false;
    }
}
