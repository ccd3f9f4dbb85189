// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using RaftCache.Codec;

namespace RaftCache.Raft;

/// <summary>
/// The one byte layout of <see cref="SnapshotMetadata"/> and its <see cref="ConfState"/>, shared by WAL Snapshot
/// records, snapshot file headers and snapshot messages on the wire: u64 index, u64 term, then the conf state as
/// u8 autoLeave and four lists (voters, votersOutgoing, learners, learnersNext), each u32 count + u64 ids.
/// Persisted: changing it needs a new WAL format version and a reader for this one.
/// </summary>
public static class SnapshotMetadataCodec
{
    public static int Bytes(SnapshotMetadata metadata) => 16 + ConfStateBytes(metadata.ConfState);

    public static int ConfStateBytes(ConfState conf) =>
        1 + 16 + (8 * (conf.Voters.Length + conf.VotersOutgoing.Length + conf.Learners.Length + conf.LearnersNext.Length));

    public static void Write(ref ByteWriter w, SnapshotMetadata metadata)
    {
        w.UInt64(metadata.Index);
        w.UInt64(metadata.Term);
        WriteConfState(ref w, metadata.ConfState);
    }

    public static SnapshotMetadata Read<TErrors>(ref ByteReader<TErrors> r, int maxMembers)
        where TErrors : IFormatErrors
    {
        var index = r.UInt64("snapshot index");
        var term = r.UInt64("snapshot term");
        return new SnapshotMetadata(index, term, ReadConfState(ref r, maxMembers));
    }

    public static void WriteConfState(ref ByteWriter w, ConfState conf)
    {
        w.Boolean(conf.AutoLeave);
        foreach (var list in (ReadOnlySpan<ImmutableArray<ulong>>)[conf.Voters, conf.VotersOutgoing, conf.Learners, conf.LearnersNext])
        {
            w.UInt32((uint)list.Length);
            foreach (var id in list) w.UInt64(id);
        }
    }

    /// <summary>Reads a conf state whose lists hold at most <paramref name="maxMembers"/> ids each.</summary>
    public static ConfState ReadConfState<TErrors>(ref ByteReader<TErrors> r, int maxMembers)
        where TErrors : IFormatErrors
    {
        var autoLeave = r.Boolean("auto leave");
        return new ConfState
        {
            Voters = ReadIds(ref r, maxMembers),
            VotersOutgoing = ReadIds(ref r, maxMembers),
            Learners = ReadIds(ref r, maxMembers),
            LearnersNext = ReadIds(ref r, maxMembers),
            AutoLeave = autoLeave,
        };
    }

    private static ImmutableArray<ulong> ReadIds<TErrors>(ref ByteReader<TErrors> r, int maxMembers)
        where TErrors : IFormatErrors
    {
        var count = r.UInt32("conf state list length");
        if (count > (uint)maxMembers) ByteReader<TErrors>.Fail($"conf state list of {count} ids exceeds the limit of {maxMembers}");
        r.CheckFits(count, "conf state id", 8);
        var ids = ImmutableArray.CreateBuilder<ulong>((int)count);
        for (var i = 0; i < count; i++) ids.Add(r.UInt64("conf state id"));
        return ids.MoveToImmutable();
    }
}
