// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.StateMachine.Bench;

/// <summary>The data set shared by every benchmark and by the Redis comparison: 12-byte keys, 1 KiB values.</summary>
internal static class Keys
{
    public const int ValueBytes = 1_024;

    public static readonly byte[] ContentType = "application/octet-stream"u8.ToArray();

    public static byte[] Key(int i) => Encoding.ASCII.GetBytes($"key:{i:D8}");

    /// <summary>A value that differs per key, so nothing can be deduplicated or compressed by either store.</summary>
    public static byte[] Value(int i)
    {
        var value = new byte[ValueBytes];
        new Random(i).NextBytes(value);
        return value;
    }

    public static byte[] Put(int i, long timestampMs = 1_000) =>
        CommandCodec.EncodePut(Key(i), Value(i), ContentType, timestampMs);
}
