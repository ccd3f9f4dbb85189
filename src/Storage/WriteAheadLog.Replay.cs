// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    private readonly record struct SegmentReplay(ulong FirstLsn, ulong LastLsn, long Tail, bool Sealed);

    /// <summary>Replays segments into group logs; records of a carried-forward checkpoint are built aside until its end record.</summary>
    private sealed partial class Replay(WriteAheadLog wal)
    {
        private readonly Dictionary<ulong, GroupLog> _groups = [];
        private readonly Dictionary<ulong, GroupLog> _checkpoints = [];
        private bool _started;
        private string _firstPath = "";

        public ulong NextLsn { get; private set; } = 1;

        public SegmentReplay Segment(string path, ulong number, bool isLast)
        {
            var bytes = ReadAll(path);
            var header = RecordFormat.TryRead(bytes, bytes.Length);
            if (header is not { Type: RecordType.SegmentHeader } || !HeaderMatches(bytes, number, header.Value))
                throw new StorageCorruptionException(path, 0, "bad segment header");

            if (!_started)
            {
                (_started, _firstPath, NextLsn) = (true, path, header.Value.Lsn);
            }
            else if (header.Value.Lsn != NextLsn)
            {
                throw new StorageCorruptionException(path, 0, $"segment starts at lsn {header.Value.Lsn}, expected {NextLsn}");
            }

            var firstLsn = NextLsn;
            ulong lastLsn = 0;
            long offset = header.Value.RecordBytes;
            var damaged = false;
            while (offset + RecordFormat.HeaderBytes <= bytes.Length && !RecordFormat.IsZeroHeader(bytes.AsSpan((int)offset)))
            {
                var record = RecordFormat.TryRead(bytes.AsSpan((int)offset), bytes.Length);
                if (record is not { } r || r.Lsn != NextLsn || r.Type == RecordType.SegmentHeader || !TryApply(r, Plaintext(r, bytes, path, offset)))
                {
                    damaged = true;
                    break;
                }

                offset += r.RecordBytes;
                if (r.Type == RecordType.SegmentSeal) return new SegmentReplay(firstLsn, lastLsn, offset, Sealed: true);
                lastLsn = NextLsn++;
            }

            if (!isLast) throw new StorageCorruptionException(path, offset, damaged ? "damaged record in a sealed part of the log" : "segment ends without its seal record");
            var later = FindValidRecordAfter(bytes, offset, NextLsn);
            if (later >= 0) throw new StorageCorruptionException(path, offset, $"damaged record followed by a valid record at offset {later}: not a torn tail");
            CutTail(path, bytes, offset);
            return new SegmentReplay(firstLsn, lastLsn, offset, Sealed: false);
        }

        /// <summary>
        /// The record's payload, decrypted when it is encrypted. Its checksum already passed, so this is not a torn
        /// write: a failed authentication or a missing key throws, even in the last segment, never cuts the log.
        /// </summary>
        private ReadOnlySpan<byte> Plaintext(RecordHeader record, byte[] bytes, string path, long offset)
        {
            var payload = bytes.AsSpan((int)offset + RecordFormat.HeaderBytes, record.PayloadLength);
            if (!record.Encrypted) return payload;
            if (wal._cipher is null)
                throw new StorageKeyException(path, offset, payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(payload) : 0, "no encryption key is configured");
            return wal._cipher.Open(payload, bytes.AsSpan((int)offset + 8, RecordFormat.HeaderBytes - 8), path, offset);
        }

        /// <summary>True when the file holds no valid record anywhere (not even its header).</summary>
        public bool NeverWritten(string path) => FindValidRecordAfter(ReadAll(path), -RecordFormat.Alignment, 0) < 0;

        private byte[] ReadAll(string path)
        {
            using var file = wal._disk.Open(path);
            var bytes = new byte[file.Length];
            var done = 0;
            while (done < bytes.Length)
            {
                var read = file.Read(done, bytes.AsSpan(done));
                if (read <= 0) break;
                done += read;
            }

            return bytes;
        }

        private static bool HeaderMatches(byte[] bytes, ulong number, RecordHeader header)
        {
            var payload = bytes.AsSpan(RecordFormat.HeaderBytes, header.PayloadLength);
            return header.PayloadLength == RecordFormat.SegmentHeaderPayloadBytes
                && BinaryPrimitives.ReadUInt64LittleEndian(payload) == RecordFormat.SegmentMagic
                && BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]) is RecordFormat.FormatVersion or RecordFormat.EncryptedFormatVersion
                && BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]) == number;
        }

        /// <summary>
        /// The offset of a checksummed record after <paramref name="offset"/> whose lsn is not older than
        /// <paramref name="minLsn"/> (so bytes that merely look like a record inside a torn payload rarely count), or -1.
        /// </summary>
        private static long FindValidRecordAfter(byte[] bytes, long offset, ulong minLsn)
        {
            for (var p = offset + RecordFormat.Alignment; p + RecordFormat.HeaderBytes <= bytes.Length; p += RecordFormat.Alignment)
            {
                if (RecordFormat.TryRead(bytes.AsSpan((int)p), bytes.Length) is { } r && r.Lsn >= minLsn) return p;
            }

            return -1;
        }

        /// <summary>Zeroes the torn bytes so that later appends are never followed by stale half-records.</summary>
        private void CutTail(string path, byte[] bytes, long offset)
        {
            // A file whose durable length ends inside the last record's alignment padding (a torn write to a segment
            // whose name was durable early): the record is whole (the CRC does not cover padding), nothing follows.
            if (offset >= bytes.Length) return;
            var end = bytes.AsSpan((int)offset).LastIndexOfAnyExcept((byte)0);
            if (end < 0) return;
            try
            {
                using var file = wal._disk.Open(path);
                file.Write(offset, new byte[end + 1]);
                file.Sync();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw wal.Fail("torn tail cut", e);
            }
        }
    }
}
