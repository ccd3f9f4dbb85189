// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

/// <summary>Limits and knobs of the write-ahead log. Every size has a named limit (Tiger style: put a limit on everything).</summary>
public sealed record WalOptions
{
    /// <summary>Size a segment file is preallocated to; a segment is sealed and a new one started when the next record does not fit.</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest encoded record (header included). A batch of entries larger than this is split over several records.</summary>
    public int MaxRecordBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Most entries in one record.</summary>
    public int MaxEntriesPerRecord { get; init; } = 4096;

    /// <summary>Most bytes staged and not yet synced; staging beyond it throws (back-pressure is the host's job).</summary>
    public long MaxStagedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most distinct groups in one WAL.</summary>
    public int MaxGroups { get; init; } = 100_000;

    /// <summary>
    /// Sealed segments kept before the oldest ones are reclaimed by carrying lagging groups' live records forward
    /// (rewriting them into the current segment). Segments nobody needs are deleted regardless of this.
    /// </summary>
    public int MaxSealedSegments { get; init; } = 8;

    /// <summary>Largest snapshot file accepted (state machine bytes).</summary>
    public long MaxSnapshotBytes { get; init; } = 64L * 1024 * 1024 * 1024;

    /// <summary>
    /// Throw when staged entries would replace entries at or below the persisted commit index (a Raft bug,
    /// pitfall 10). The simulation turns it off when it plants that bug on purpose and wants its checker to see it.
    /// </summary>
    public bool RejectCommittedTruncation { get; init; } = true;

    /// <summary>
    /// UNSAFE: write without fsync. Gives up the durability promise: an acknowledged write can be lost when the
    /// machine (not just the process) fails, and a follower may lose entries it acknowledged, which Raft assumes
    /// never happens (pitfall 5). For benchmarks and throwaway caches only; never the default.
    /// </summary>
    public bool UnsafeSkipFsync { get; init; }

    /// <summary>
    /// Encryption at rest (AES-256-GCM) for WAL records and snapshot files, or null for the plain format. Data
    /// already on disk stays readable either way as long as the keys that encrypted it are in the ring.
    /// </summary>
    public StorageKeyring? Encryption { get; init; }

    /// <summary>
    /// Called after each batch is written and fsynced, with the fsync's duration and the batch's bytes (metrics).
    /// Runs on the syncing thread, inside the sync: it must be quick and must not throw.
    /// </summary>
    public Action<TimeSpan, long>? Synced { get; init; }

    /// <summary>Small segments for the simulation and tests, so rolling and reclaiming happen often.</summary>
    public static WalOptions ForTests => new() { SegmentBytes = 64 * 1024, MaxRecordBytes = 16 * 1024, MaxEntriesPerRecord = 64, MaxSealedSegments = 3 };

    internal void Validate()
    {
        if (SegmentBytes is < 4096 or > 1L << 32) throw new ArgumentOutOfRangeException(nameof(SegmentBytes), SegmentBytes, "must be 4 KiB .. 4 GiB");
        if (MaxRecordBytes < 256 || MaxRecordBytes > SegmentBytes - 128)
            throw new ArgumentOutOfRangeException(nameof(MaxRecordBytes), MaxRecordBytes, "must be >= 256 and leave room for the segment header and seal");
        if (MaxEntriesPerRecord is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(MaxEntriesPerRecord));
        if (MaxStagedBytes < MaxRecordBytes) throw new ArgumentOutOfRangeException(nameof(MaxStagedBytes));
        if (MaxGroups < 1) throw new ArgumentOutOfRangeException(nameof(MaxGroups));
        if (MaxSealedSegments < 1) throw new ArgumentOutOfRangeException(nameof(MaxSealedSegments));
    }
}
