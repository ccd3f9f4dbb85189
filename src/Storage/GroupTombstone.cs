// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using RaftCache.Codec;

namespace RaftCache.Storage;

/// <summary>
/// What a deleted replica of a group leaves on this node: the term and vote it had reached and the last index its
/// log held. A replica of the same group created here again starts from that term and vote and grants no vote
/// until its log is at least that long, so it can never help elect a leader that lacks entries the deleted replica
/// helped commit. Kept in its own file in the log's directory, never compacted away: one small record per group ever
/// deleted on this node.
/// </summary>
public readonly record struct GroupTombstone(ulong Term, ulong Vote, ulong LastIndex)
{
    /// <summary>The later of two tombstones of one group: terms and log lengths only grow.</summary>
    public GroupTombstone Merge(GroupTombstone other) => Term > other.Term || (Term == other.Term && Vote != 0)
        ? this with { LastIndex = Math.Max(LastIndex, other.LastIndex) }
        : other with { LastIndex = Math.Max(LastIndex, other.LastIndex) };
}

/// <summary>
/// The tombstone file's bytes: magic, version, a varint count, then (group, term, vote, last index) per group, and a CRC-32C
/// of everything before it. Written whole to a temporary file, fsynced and renamed over the old one.
/// </summary>
internal static class TombstoneFile
{
    internal const string Path = WriteAheadLog.WalDirectory + "/tombstones";
    internal const string TempPath = WriteAheadLog.WalDirectory + "/tombstones.tmp";
    private const uint Magic = 0x42544352; // "RCTB"
    private const byte Version = 1;
    private const int EntryBytes = 32;

    /// <summary>A bound on the file that no real node comes near (a group id per shard ever placed here).</summary>
    internal const int MaxEntries = 1 << 20;

    public static byte[] Encode(IReadOnlyDictionary<ulong, GroupTombstone> tombstones)
    {
        var output = new ArrayBufferWriter<byte>(19 + tombstones.Count * EntryBytes);
        var w = new ByteWriter(output);
        w.UInt32(Magic);
        w.Byte(Version);
        w.VarUInt((ulong)tombstones.Count);
        foreach (var (group, t) in tombstones.OrderBy(t => t.Key))
        {
            w.UInt64(group);
            w.UInt64(t.Term);
            w.UInt64(t.Vote);
            w.UInt64(t.LastIndex);
        }

        w.UInt32(Crc32C.Compute(output.WrittenSpan));
        return output.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a whole, intact tombstone file.</exception>
    public static Dictionary<ulong, GroupTombstone> Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4) throw new FormatException("tombstone file shorter than its checksum");
        var body = bytes[..^4];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..])) throw new FormatException("tombstone file checksum mismatch");
        var r = new ByteReader<FormatErrors>(body);
        if (r.UInt32("magic") != Magic) throw new FormatException("not a tombstone file");
        if (r.Byte("version") != Version) throw new FormatException("unknown tombstone file version");
        var count = r.Count(MaxEntries, "tombstones", EntryBytes);
        var tombstones = new Dictionary<ulong, GroupTombstone>(count);
        for (var i = 0; i < count; i++)
        {
            var group = r.UInt64("group");
            tombstones[group] = new GroupTombstone(r.UInt64("term"), r.UInt64("vote"), r.UInt64("last index"));
        }

        r.ExpectEnd("tombstone file");
        return tombstones;
    }
}
