// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Simulation.Sim;

/// <summary>64-bit FNV-1a, used for content and trace hashes (stable across runs, unlike string.GetHashCode).</summary>
public static class Fnv
{
    public const ulong Offset = 0xcbf29ce484222325UL;

    public static ulong Hash(ReadOnlySpan<byte> data, ulong hash = Offset)
    {
        foreach (var b in data) hash = (hash ^ b) * 0x100000001b3UL;
        return hash;
    }

    public static ulong Mix(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++, value >>= 8) hash = (hash ^ (value & 0xff)) * 0x100000001b3UL;
        return hash;
    }
}
