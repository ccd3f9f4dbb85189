// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers;

namespace RaftCache.Storage;

/// <summary>
/// Encoded records waiting for the next sync, back to back, with their boundaries (a sync may have to split
/// them over two segments, and never splits a record).
/// </summary>
internal sealed class StagingBuffer(RecordCipher? cipher = null) : IBufferWriter<byte>
{
    private byte[] _bytes = new byte[64 * 1024];
    private readonly List<int> _recordEnds = [];
    private int _recordStart = -1;

    public int Length { get; private set; }

    public int RecordCount => _recordEnds.Count;

    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Length);

    public int RecordEnd(int record) => _recordEnds[record];

    public int RecordStart(int record) => record == 0 ? 0 : _recordEnds[record - 1];

    /// <summary>Starts a record; its payload is written through <see cref="IBufferWriter{T}"/>, then <see cref="EndRecord"/> seals it.</summary>
    public void BeginRecord(int maxPayloadBytes)
    {
        if (_recordStart >= 0) throw new InvalidOperationException("record already open");
        _recordStart = Length;
        Ensure(RecordFormat.RecordBytes(maxPayloadBytes + Overhead));
        Length += RecordFormat.HeaderBytes;
    }

    /// <summary>Room for payload bytes of the open record (records are encoded with the shared <c>ByteWriter</c>).</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1) + RecordFormat.Alignment);
        return _bytes.AsSpan(Length);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1) + RecordFormat.Alignment);
        return _bytes.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Bytes an encrypted payload adds (0 without encryption).</summary>
    public int Overhead => cipher is null ? 0 : RecordCipher.OverheadBytes;

    public void EndRecord(RecordType type, ulong group, ulong lsn, byte flags = 0)
    {
        var payloadLength = Length - _recordStart - RecordFormat.HeaderBytes;
        Ensure(RecordFormat.Alignment + Overhead);
        if (cipher is not null)
        {
            flags |= RecordFormat.EncryptedFlag;
            var record = _bytes.AsSpan(_recordStart);
            RecordFormat.WriteIdentity(record, type, flags, group, lsn);
            cipher.Seal(record.Slice(RecordFormat.HeaderBytes, payloadLength + RecordCipher.OverheadBytes), payloadLength, record[8..RecordFormat.HeaderBytes]);
            payloadLength += RecordCipher.OverheadBytes;
        }
        RecordFormat.Seal(_bytes.AsSpan(_recordStart), type, flags, group, lsn, payloadLength);
        Length = _recordStart + RecordFormat.RecordBytes(payloadLength);
        _recordEnds.Add(Length);
        _recordStart = -1;
    }

    public void Clear()
    {
        Length = 0;
        _recordEnds.Clear();
        _recordStart = -1;
        if (_bytes.Length > 16 * 1024 * 1024) _bytes = new byte[64 * 1024]; // do not pin a burst's buffer forever
    }

    private void Ensure(int extra)
    {
        if (Length + extra <= _bytes.Length) return;
        Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + extra));
    }
}
