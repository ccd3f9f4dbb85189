// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Cli.Archive;

/// <summary>The key → slot map of the API contract: CRC16/XMODEM of the key (or of its {hash tag}) mod 16,384, as Redis.</summary>
public static class Slots
{
    public const int Count = 16384;

    public static int Of(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = key[(open + 1)..].IndexOf((byte)'}');
            if (close > 0) key = key.Slice(open + 1, close);
        }
        return Crc16(key) % Count;
    }

    private static int Crc16(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            crc ^= b << 8;
            for (var i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            crc &= 0xFFFF;
        }
        return crc;
    }
}
