// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// Content types that almost every entry uses are stored as a one-byte code instead of their 16–24 bytes per entry.
/// The codes live only in memory (snapshots and commands carry the bytes), so this list may change freely.
/// </summary>
internal static class ContentTypes
{
    /// <summary>Code 0: the content type is stored inline in the entry's blob (possibly empty).</summary>
    public const byte Inline = 0;

    private static readonly byte[][] WellKnown =
    [
        [],
        "application/json"u8.ToArray(),
        "application/octet-stream"u8.ToArray(),
        "text/plain"u8.ToArray(),
        "text/plain; charset=utf-8"u8.ToArray(),
    ];

    public static byte CodeOf(ReadOnlySpan<byte> contentType)
    {
        for (var code = 1; code < WellKnown.Length; code++)
        {
            if (contentType.SequenceEqual(WellKnown[code]))
            {
                return (byte)code;
            }
        }

        return Inline;
    }

    public static byte[] Bytes(byte code) => WellKnown[code];
}
