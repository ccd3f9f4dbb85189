// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using static RaftCache.Resp.RespCommandFlags;

namespace RaftCache.Resp;

/// <summary>What a pipelined command needs to run beside others of its connection (see <see cref="RespPipeline"/>).</summary>
public sealed partial class RespSession
{
    /// <summary>
    /// The shard a command's keys all belong to, when it may overlap with commands of other shards; -1 when it must
    /// run alone: connection and admin commands, commands without keys, keys on several shards, unknown commands.
    /// </summary>
    internal int OverlapShard(byte[][] args)
    {
        if (args.Length == 0 || !RespCommandTable.ByName.TryGetValue(Encoding.UTF8.GetString(args[0]), out var spec)) return -1;
        if ((spec.Flags & (Connection | Admin | NoAuth)) != 0 || !spec.AcceptsArgumentCount(args.Length)) return -1;
        var shard = -1;
        foreach (var position in spec.KeyPositions(args.Length))
        {
            var of = backend.ShardOfKey(args[position]);
            if (shard >= 0 && of != shard) return -1;
            shard = of;
        }

        return shard;
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
