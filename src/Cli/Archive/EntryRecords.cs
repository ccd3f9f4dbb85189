// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using RaftCache.Codec;

namespace RaftCache.Cli.Archive;

/// <summary>
/// The backup API's records as the CLI reads them (the layout is <see cref="BackupRecords"/>, shared with the node): a
/// malformed body is an <see cref="InvalidDataException"/>, the error every archive check reports.
/// </summary>
public sealed class EntryRecords : IFormatErrors
{
    /// <summary>Largest value accepted when reading: the node's own largest configurable value is below it.</summary>
    public const int MaxValueBytes = 64 << 20;

    private EntryRecords()
    {
    }

    static Exception IFormatErrors.Create(string message) => new InvalidDataException(message);

    public static (ShardSnapshotHeader Header, List<BackupEntry> Entries) ReadSnapshot(ReadOnlySpan<byte> body) =>
        BackupRecords.ReadSnapshot<EntryRecords>(body, MaxValueBytes);

    public static List<BackupEntry> Read(ReadOnlySpan<byte> data) => BackupRecords.Read<EntryRecords>(data, MaxValueBytes);
}

public static class BackupEntryHashing
{
    /// <summary>The record's own hash: the first 8 bytes of SHA-256 of its encoding (key, content type, expiry, value).</summary>
    public static ulong Hash(this BackupEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(BackupRecords.SizeOf(entry));
        BackupRecords.Write(buffer, entry);
        return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(buffer.WrittenSpan));
    }
}

/// <summary>
/// A digest of a set of entries that does not depend on shards or order: the wrapping sum of the entries' own hashes.
/// Equal digests mean equal keys, values, content types and expiries (versions are not part of it: a restore makes new ones).
/// </summary>
public static class ContentDigest
{
    public static ulong Of(IEnumerable<ulong> entryHashes)
    {
        ulong sum = 0;
        foreach (var hash in entryHashes) sum = unchecked(sum + hash);
        return sum;
    }

    public static string Format(ulong digest) => digest.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
