// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// One entry in <see cref="EntryTable"/>: 40 bytes of metadata plus one byte array holding key, inline content
/// type and value back to back, so an entry costs exactly one heap object. Blobs are never mutated after insert
/// (an update allocates a new blob), which lets reads and snapshots hold on to them safely.
/// </summary>
internal struct Slot
{
    /// <summary>Key, then the content type when <see cref="ContentTypeCode"/> is inline, then the value. Null when free.</summary>
    public byte[]? Blob;

    public ulong Version;

    /// <summary>Absolute expiry in Unix ms; <see cref="long.MaxValue"/> means never.</summary>
    public long ExpiresAtMs;

    public int HashCode;

    /// <summary>Next slot index plus one in the bucket chain (or in the free list); 0 ends the chain.</summary>
    public int Next;

    /// <summary>Position in the expiry/eviction heap.</summary>
    public int HeapIndex;

    public ushort KeyLength;

    public byte ContentTypeCode;

    public byte ContentTypeLength;

    public readonly ReadOnlySpan<byte> Key => Blob.AsSpan(0, KeyLength);

    public readonly ReadOnlySpan<byte> ContentType => ContentTypeCode == ContentTypes.Inline
        ? Blob.AsSpan(KeyLength, ContentTypeLength)
        : ContentTypes.Bytes(ContentTypeCode);

    public readonly int ValueOffset => KeyLength + ContentTypeLength;

    public readonly ReadOnlySpan<byte> Value => Blob.AsSpan(ValueOffset);

    /// <summary>The bytes this entry counts against the memory limit (docs/state-machine.md, "Memory accounting").</summary>
    public readonly long AccountedBytes => AccountedSize(KeyLength, ContentType.Length, Blob!.Length - ValueOffset);

    public static long AccountedSize(int keyLength, int contentTypeLength, int valueLength) =>
        (long)keyLength + contentTypeLength + valueLength + EntryTable.EntryOverheadBytes;
}
