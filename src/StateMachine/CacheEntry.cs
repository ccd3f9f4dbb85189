// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// A read view of one stored entry. It wraps the entry's immutable blob without copying, so a read allocates
/// nothing; the view stays valid (showing the value as it was) after the key is updated or removed.
/// </summary>
public readonly struct CacheEntry
{
    private readonly byte[] _blob;
    private readonly ushort _keyOffset;
    private readonly ushort _keyLength;
    private readonly byte _contentTypeCode;
    private readonly byte _contentTypeLength;
    private readonly long _expiresAtMs;

    internal CacheEntry(in Slot slot)
    {
        _blob = slot.Blob!;
        _keyOffset = slot.KeyOffset;
        _keyLength = slot.KeyLength;
        _contentTypeCode = slot.ContentTypeCode;
        _contentTypeLength = slot.ContentTypeLength;
        _expiresAtMs = slot.ExpiresAtMs;
        Version = slot.Version;
    }

    // A default view (a miss) has no blob and reads as empty.
    public ReadOnlyMemory<byte> Key => _blob is null ? default : _blob.AsMemory(_keyOffset, _keyLength);

    public ReadOnlyMemory<byte> ContentType => _blob is null ? default : _contentTypeCode == ContentTypes.Inline
        ? _blob.AsMemory(ContentTypeOffset, _contentTypeLength)
        : ContentTypes.Bytes(_contentTypeCode);

    public ReadOnlyMemory<byte> Value => _blob is null ? default : _blob.AsMemory(ContentTypeOffset + _contentTypeLength + BlobLayout.ValueLengthBytes);

    private int ContentTypeOffset => _keyOffset + _keyLength + BlobLayout.ContentTypeLengthBytes;

    /// <summary>The log index of the write that stored this value.</summary>
    public ulong Version { get; }

    /// <summary>Absolute expiry in Unix ms, or null when the entry never expires.</summary>
    public long? ExpiresAtMs => _expiresAtMs == long.MaxValue ? null : _expiresAtMs;
}
