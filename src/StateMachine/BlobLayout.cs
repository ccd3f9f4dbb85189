// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RaftCache.StateMachine;

/// <summary>
/// The byte layout of a stored entry, which is the tail of an encoded put from its key on: key, u8 content type
/// length, content type, i32 value length, value (to the end of the array). Because it is, a put applied from the
/// committed entry's own array stores that array (the Raft log and the state machine share one copy of the value
/// until the log is compacted, and then the state machine's slot keeps only that entry's array alive); anything
/// else is copied into a new array of exactly this layout.
/// </summary>
internal static class BlobLayout
{
    public const int ContentTypeLengthBytes = 1;

    public const int ValueLengthBytes = 4;

    /// <summary>
    /// Most bytes of a command's array outside key, content type and value that a shared blob may keep alive: the
    /// put's header and session (about 60 bytes). A larger array (a multi-key command, a slice of a bigger buffer) is
    /// copied, so one small value never pins a large buffer.
    /// </summary>
    public const int MaxSharedOverheadBytes = 128;

    /// <summary>A new array holding key, the inline content type (empty when coded) and value.</summary>
    public static byte[] Copy(ReadOnlySpan<byte> key, ReadOnlySpan<byte> inlineContentType, ReadOnlySpan<byte> value)
    {
        var blob = GC.AllocateUninitializedArray<byte>(
            key.Length + ContentTypeLengthBytes + inlineContentType.Length + ValueLengthBytes + value.Length);
        var span = blob.AsSpan();
        key.CopyTo(span);
        span = span[key.Length..];
        span[0] = (byte)inlineContentType.Length;
        inlineContentType.CopyTo(span[ContentTypeLengthBytes..]);
        span = span[(ContentTypeLengthBytes + inlineContentType.Length)..];
        BinaryPrimitives.WriteInt32LittleEndian(span, value.Length);
        value.CopyTo(span[ValueLengthBytes..]);
        return blob;
    }

    /// <summary>
    /// Whether key, content type and value lie in <paramref name="array"/> in this layout, the value ending at the
    /// array's end, with at most <see cref="MaxSharedOverheadBytes"/> besides; then <paramref name="keyOffset"/> is
    /// where the key starts and the array can be stored as it is.
    /// </summary>
    public static bool TryShare(byte[] array, ReadOnlySpan<byte> key, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> value, out int keyOffset)
    {
        keyOffset = OffsetIn(array, key);
        var overhead = (long)array.Length - key.Length - contentType.Length - value.Length;
        return keyOffset >= 0 && keyOffset <= ushort.MaxValue && overhead <= MaxSharedOverheadBytes
            && OffsetIn(array, contentType) == keyOffset + key.Length + ContentTypeLengthBytes
            && OffsetIn(array, value) == keyOffset + key.Length + ContentTypeLengthBytes + contentType.Length + ValueLengthBytes
            && OffsetIn(array, value) + value.Length == array.Length;
    }

    /// <summary>Where <paramref name="span"/> starts in <paramref name="array"/>, or -1 when it does not lie inside it.</summary>
    private static int OffsetIn(byte[] array, ReadOnlySpan<byte> span)
    {
        var offset = (long)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(array), ref MemoryMarshal.GetReference(span));
        return offset >= 0 && offset + span.Length <= array.Length ? (int)offset : -1;
    }
}
