// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>
/// Constants of the snapshot format (docs/state-machine.md, "Snapshot format"). Frame kinds are persisted:
/// values are explicit and append-only.
/// </summary>
internal static class SnapshotFormat
{
    /// <summary>"RCSM" read as a little-endian uint.</summary>
    public const uint Magic = 0x4D534352;

    public const ushort Version = 1;

    /// <summary>Magic, version, reserved, applied index, memory limit, entry count, header CRC.</summary>
    public const int HeaderBytes = 4 + 2 + 2 + 8 + 8 + 8 + 4;

    /// <summary>The header CRC covers every header byte before it.</summary>
    public const int HeaderCrcOffset = HeaderBytes - 4;

    /// <summary>A restore pre-sizes its table for the header's entry count, but never beyond this many slots.</summary>
    public const int MaxPresizedEntries = 1 << 22;

    /// <summary>...and, from a stream of unknown length, never beyond this many (the count is only the stream's claim).</summary>
    public const int UnknownLengthPresizedEntries = 1 << 16;

    /// <summary>Kind and payload length before the payload; CRC after it.</summary>
    public const int FramePrefixBytes = 1 + 4;

    public const int FrameCrcBytes = 4;

    /// <summary>Frames are filled up to this size; a single larger record gets a frame of its own.</summary>
    public const int TargetFrameBytes = 64 * 1024;

    /// <summary>Largest payload a reader accepts, so a corrupted length cannot make it allocate without bound.</summary>
    public const int MaxFrameBytes = CacheCommand.MaxValueBytes + (1024 * 1024);

    /// <summary>Key length, content type length, value length, version, expiry.</summary>
    public const int EntryFixedBytes = 2 + 1 + 4 + 8 + 8;

    /// <summary>Client id, floor, last activity, result count.</summary>
    public const int SessionFixedBytes = 8 + 8 + 8 + 4;

    /// <summary>Sequence, status, version, count.</summary>
    public const int ResultBytes = 8 + 1 + 8 + 8;

    /// <summary>Entry count, session count.</summary>
    public const int EndBytes = 8 + 8;
}

/// <summary>The kind of a snapshot frame. Persisted: values are EXPLICIT and APPEND-ONLY.</summary>
internal enum SnapshotFrameKind : byte
{
    Entries = 1,
    Sessions = 2,
    End = 3,
}
