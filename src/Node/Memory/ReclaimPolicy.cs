// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Memory;

/// <summary>
/// When to hand memory the GC keeps committed but does not use back to the OS. The GC keeps what a burst (a fill,
/// sixteen snapshots written at once) made it commit, and a full collection alone does not return it; an aggressive
/// one does, but it stops every thread for about as long as a full compacting collection of the live heap. So it
/// runs only when the idle part is both large in bytes and large against the live heap, and never more often than
/// once per <see cref="MinInterval"/> nor more than 1 % of the time (<see cref="PauseFactor"/> times the last pause),
/// and never while the node is busy (<see cref="MaxBusyAllocatedBytes"/>): every request waits out the pause, and
/// with a gigabyte live it lasts seconds, long enough to cost elections.
/// </summary>
public static class ReclaimPolicy
{
    /// <summary>Committed bytes beyond the live heap below which nothing is reclaimed.</summary>
    public const long MinIdleBytes = 16L * 1024 * 1024;

    /// <summary>Idle bytes must also reach this fraction of the live heap (a large heap tolerates more slack).</summary>
    public const double MinIdleFraction = 0.2;

    /// <summary>Shortest time between two reclaims.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(30);

    /// <summary>After a reclaim that paused for P, the next waits at least this many times P.</summary>
    public const int PauseFactor = 100;

    /// <summary>
    /// Bytes allocated since the previous check (<see cref="MemoryReclaimer.CheckEvery"/>) above which the node counts
    /// as busy and keeps its idle memory for now: a put allocates ~20 KB, a snapshot sent or installed its whole size,
    /// while a quiet node allocates well under a megabyte in a check's five seconds.
    /// </summary>
    public const long MaxBusyAllocatedBytes = 16L * 1024 * 1024;

    /// <summary>Committed bytes the GC holds beyond live objects (fragmentation included in neither).</summary>
    public static long IdleBytes(long committedBytes, long heapBytes, long fragmentedBytes) =>
        Math.Max(0, committedBytes - (heapBytes - fragmentedBytes));

    /// <summary>
    /// Whether to reclaim now, <paramref name="sinceLast"/> after the last reclaim, which paused for <paramref name="lastPause"/>,
    /// with <paramref name="allocatedSinceCheck"/> bytes allocated since the previous check.
    /// </summary>
    public static bool ShouldReclaim(long committedBytes, long heapBytes, long fragmentedBytes, TimeSpan sinceLast, TimeSpan lastPause, long allocatedSinceCheck)
    {
        if (allocatedSinceCheck > MaxBusyAllocatedBytes) return false;
        var live = Math.Max(0, heapBytes - fragmentedBytes);
        var idle = IdleBytes(committedBytes, heapBytes, fragmentedBytes);
        var wait = MinInterval > lastPause * PauseFactor ? MinInterval : lastPause * PauseFactor;
        return idle >= MinIdleBytes && idle >= live * MinIdleFraction && sinceLast >= wait;
    }
}
