// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using static RaftCache.Resp.RespCommandFlags;

namespace RaftCache.Resp;

/// <summary>What a pipelined command needs to run beside others of its connection (see <see cref="RespPipeline"/>).</summary>
public sealed partial class RespSession
{
    /// <summary>
    /// The hash slot a command's keys all belong to, when it may overlap with commands of other slots; -1 when it must
    /// run alone: connection and admin commands, commands without keys, keys in several slots, unknown commands.
    /// Ordering by slot, not by shard, is what Redis Cluster promises a pipeline, and lets a batch's commands of one
    /// shard share a commit instead of waiting for each other's.
    /// </summary>
    internal int OverlapSlot(byte[][] args)
    {
        if (args.Length == 0 || !RespCommandTable.TryFind(args[0], out var spec)) return -1;
        if ((spec.Flags & (Connection | Admin | NoAuth)) != 0 || !spec.AcceptsArgumentCount(args.Length)) return -1;
        var slot = -1;
        for (var position = spec.FirstKey; position <= spec.LastKeyPosition(args.Length); position += spec.Step)
        {
            var of = backend.SlotOfKey(args[position]);
            if (slot >= 0 && of != slot) return -1;
            slot = of;
        }

        return slot;
    }

    /// <summary>A copy of this connection's state that writes its reply into <paramref name="into"/>.</summary>
    internal RespSession Fork(RespWriter into)
    {
        into.Protocol = writer.Protocol;
        return new RespSession(backend, options, into, remote, id)
        {
            Aborted = Aborted,
            Caller = Caller,
            Name = Name,
            LibraryName = LibraryName,
            LibraryVersion = LibraryVersion,
            ReadOnlyMode = ReadOnlyMode,
            _credentialsChecked = _credentialsChecked,
        };
    }

    /// <summary>Takes back what a forked command learned: that the key was revoked (the connection closes), or that it is current.</summary>
    internal void Adopt(RespSession child)
    {
        if (child.Closing)
        {
            Caller = null;
            Closing = true;
        }
        else
        {
            _credentialsChecked = Math.Max(_credentialsChecked, child._credentialsChecked);
        }
    }
}
