// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using RaftCache.Raft;

namespace RaftCache.Storage.Tests;

internal static class TestData
{
    /// <summary>The whole content of a file on the in-memory disk.</summary>
    public static byte[] FileBytes(MemoryDisk disk, string path)
    {
        using var file = disk.Open(path);
        var bytes = new byte[file.Length];
        file.Read(0, bytes);
        return bytes;
    }

    public static readonly ConfState ThreeVoters = new() { Voters = [1, 2, 3] };

    /// <summary>Entries first..last of one term, each carrying "g{group}-i{index}-t{term}" padded to <paramref name="bytes"/>.</summary>
    public static Entry[] Entries(ulong first, ulong last, ulong term, int bytes = 16, ulong group = 1)
    {
        var result = new Entry[last - first + 1];
        for (var i = first; i <= last; i++)
        {
            var text = Encoding.ASCII.GetBytes($"g{group}-i{i}-t{term}");
            var data = new byte[Math.Max(bytes, text.Length)];
            text.CopyTo(data, 0);
            result[i - first] = new Entry(i, term, EntryType.Normal, data);
        }

        return result;
    }

    public static SnapshotMetadata Snapshot(ulong index, ulong term) => new(index, term, ThreeVoters);

    public static byte[] SnapshotData(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static void WriteSnapshot(IWriteAheadLog wal, ulong group, SnapshotMetadata metadata, byte[] data)
    {
        wal.WriteSnapshot(group, metadata, new MemoryStream(data));
        wal.StageSnapshot(group, metadata);
    }

    public static byte[] ReadSnapshot(IWriteAheadLog wal, ulong group, ulong index)
    {
        using var stream = wal.OpenSnapshot(group, index);
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static ulong[] Indexes(GroupState state) => state.Entries.Select(e => e.Index).ToArray();

    public static ulong[] Terms(GroupState state) => state.Entries.Select(e => e.Term).ToArray();
}
