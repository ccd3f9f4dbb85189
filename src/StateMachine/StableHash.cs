// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Buffers.Binary;
using System.Numerics;

namespace RaftCache.StateMachine;

/// <summary>
/// A seeded 64-bit hash that is the same on every machine and process (unlike <see cref="HashCode"/>), built from
/// the xxHash64 round and the MurmurHash3 finaliser. Not cryptographic: it detects divergence, it does not resist forgery.
/// The state hash depends on it, so changing it changes every published state hash (docs/state-machine.md).
/// </summary>
internal static class StableHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;

    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed)
    {
        var h = seed + Prime3 + (ulong)data.Length;
        while (data.Length >= 8)
        {
            var k = BitOperations.RotateLeft(BinaryPrimitives.ReadUInt64LittleEndian(data) * Prime2, 31) * Prime1;
            h = (BitOperations.RotateLeft(h ^ k, 27) * Prime1) + Prime4;
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            h = (BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt32LittleEndian(data) * Prime1), 23) * Prime2) + Prime3;
            data = data[4..];
        }

        foreach (var b in data)
        {
            h = BitOperations.RotateLeft(h ^ (b * Prime3), 11) * Prime1;
        }

        return Mix(h);
    }

    /// <summary>MurmurHash3 fmix64: every input bit affects every output bit.</summary>
    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    /// <summary>Order-dependent combination of two hashes (for fields within one record).</summary>
    public static ulong Combine(ulong a, ulong b) => Mix((BitOperations.RotateLeft(a, 17) * Prime1) ^ b);
}
