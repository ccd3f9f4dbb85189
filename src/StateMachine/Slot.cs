// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// One entry in <see cref="EntryTable"/>: 48 bytes of metadata plus one byte array holding the entry in the tail
/// layout of a put command (key, content type length, content type, value length, value), so an entry costs one
/// heap object, and a put's value can stay in the committed command's own array instead of a copy of it (see
/// <see cref="BlobLayout"/>). Blobs are never mutated after insert (an update stores a new blob), which lets reads
/// and snapshots hold on to them safely.
/// </summary>
internal struct Slot
{
    /// <summary>The array holding the entry from <see cref="KeyOffset"/> to its end. Null when free.</summary>
    public byte[]? Blob;

    public ulong Version;

    /// <summary>Absolute expiry in Unix ms; <see cref="long.MaxValue"/> means never.</summary>
    public long ExpiresAtMs;

    public int HashCode;

    /// <summary>Next slot index plus one in the bucket chain (or in the free list); 0 ends the chain.</summary>
    public int Next;

    /// <summary>Position in the expiry/eviction heap.</summary>
    public int HeapIndex;

    /// <summary>Where the key starts in <see cref="Blob"/>: 0 in a copy, the command's header length when shared.</summary>
    public ushort KeyOffset;

    public ushort KeyLength;

    public byte ContentTypeCode;

    /// <summary>Bytes of content type in the blob: the inline type, or a coded type a shared command still carries.</summary>
    public byte ContentTypeLength;

    public readonly ReadOnlySpan<byte> Key => Blob.AsSpan(KeyOffset, KeyLength);

    public readonly ReadOnlySpan<byte> ContentType => ContentTypeCode == ContentTypes.Inline
        ? Blob.AsSpan(ContentTypeOffset, ContentTypeLength)
        : ContentTypes.Bytes(ContentTypeCode);

    public readonly int ContentTypeOffset => KeyOffset + KeyLength + BlobLayout.ContentTypeLengthBytes;

    public readonly int ValueOffset => ContentTypeOffset + ContentTypeLength + BlobLayout.ValueLengthBytes;

    public readonly ReadOnlySpan<byte> Value => Blob.AsSpan(ValueOffset);

    /// <summary>The bytes this entry counts against the memory limit (docs/state-machine.md, "Memory accounting").</summary>
    public readonly long AccountedBytes => AccountedSize(KeyLength, ContentType.Length, Blob!.Length - ValueOffset);

    public static long AccountedSize(int keyLength, int contentTypeLength, int valueLength) =>
        (long)keyLength + contentTypeLength + valueLength + EntryTable.EntryOverheadBytes;
}
