// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Codec;

namespace RaftCache.Raft;

/// <summary>
/// The one byte layout of a run of <see cref="Entry"/>, written by the WAL (Entries records) and the peer transport
/// (append and proposal messages) alike: u64 first index, u32 count, then per entry u64 term, u8 type, u32 data
/// length, data. Fixed-width fields let the WAL size a record before encoding it and split batches exactly at its
/// record limit. Indexes are implicit (first + position), since Raft only ever moves consecutive runs; a first
/// index of 0 marks unstamped entries (a forwarded proposal, which the leader stamps), all of index 0.
/// Persisted: changing it needs a new WAL format version and a reader for this one.
/// </summary>
public static class EntryCodec
{
    /// <summary>First index and count.</summary>
    public const int RunHeaderBytes = 12;

    /// <summary>Term, type and data length of one entry.</summary>
    public const int EntryHeaderBytes = 13;

    /// <summary>Encoded size of <paramref name="count"/> entries from <paramref name="start"/>.</summary>
    public static long Bytes(IReadOnlyList<Entry> entries, int start, int count)
    {
        long bytes = RunHeaderBytes;
        for (var i = start; i < start + count; i++) bytes += EntryHeaderBytes + entries[i].Data.Length;
        return bytes;
    }

    /// <exception cref="ArgumentException">The run is empty, or its indexes are neither consecutive nor all 0.</exception>
    public static void Write(ref ByteWriter w, IReadOnlyList<Entry> entries, int start, int count)
    {
        if (count <= 0) throw new ArgumentException("a run of entries holds at least one entry", nameof(count));
        var first = entries[start].Index;
        w.UInt64(first);
        w.UInt32((uint)count);
        for (var i = 0; i < count; i++)
        {
            var entry = entries[start + i];
            if (entry.Index != (first == 0 ? 0 : first + (ulong)i))
            {
                throw new ArgumentException($"entry {entry.Index} breaks the run from {first}: entries must be consecutive (or all unstamped)", nameof(entries));
            }

            w.UInt64(entry.Term);
            w.Byte((byte)entry.Type);
            w.UInt32((uint)entry.Data.Length);
            w.Raw(entry.Data.Span);
        }
    }

    /// <summary>
    /// Reads one run of at most <paramref name="maxCount"/> entries. Each entry's data is copied into an array of
    /// exactly its length, never a slice of the reader's memory: that memory may be a pooled receive buffer, and the
    /// state machine may keep a committed entry's array as a stored value for as long as the key lives.
    /// </summary>
    public static Entry[] Read<TErrors>(ref ByteReader<TErrors> r, int maxCount)
        where TErrors : IFormatErrors
    {
        var first = r.UInt64("first index");
        var count = r.UInt32("entry count");
        if (count == 0) ByteReader<TErrors>.Fail("entry count 0: a run of entries holds at least one entry");
        if (count > (uint)maxCount) ByteReader<TErrors>.Fail($"entry count {count} exceeds the limit of {maxCount}");
        if (first != 0 && first + count - 1 < first) ByteReader<TErrors>.Fail($"entry indexes from {first} overflow");
        r.CheckFits(count, "entry", EntryHeaderBytes);
        var entries = new Entry[count];
        for (var i = 0u; i < count; i++)
        {
            var term = r.UInt64("entry term");
            var type = r.Byte("entry type");
            if (type > (byte)EntryType.ConfChange) ByteReader<TErrors>.Fail($"entry type {type} is unknown");
            var length = r.UInt32("entry data length");
            if (length > (uint)r.Remaining) ByteReader<TErrors>.Fail($"entry data of {length} bytes exceeds the {r.Remaining} bytes left");
            var data = r.Take((int)length, "entry data");
            var index = first == 0 ? 0 : first + i;
            entries[i] = new Entry(index, term, (EntryType)type, data.ToArray());
        }

        return entries;
    }
}
