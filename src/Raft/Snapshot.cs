// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>Where a snapshot stands in the log and the membership it carries (pitfall 11: snapshots carry the ConfState).</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, ConfState ConfState)
{
    public static readonly SnapshotMetadata Empty = new(0, 0, ConfState.Empty);

    public bool IsEmpty => Index == 0;
}

/// <summary>
/// A state machine snapshot. <see cref="Data"/> is opaque to Raft; a host that streams large snapshots
/// out of band may leave it empty in messages and attach the bytes in its transport.
/// </summary>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data)
{
    public static readonly Snapshot Empty = new(SnapshotMetadata.Empty, ReadOnlyMemory<byte>.Empty);

    public bool IsEmpty => Metadata.IsEmpty;
}
