// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RaftCache.Node.Hosting;

/// <summary>
/// The instruments the host loop records into, each one call at the place it measures. They are created and
/// named elsewhere (Observability); <see cref="None"/> records nothing, for hosts nobody observes (simulation,
/// tests). Shards are labelled by group id ("0" is the metadata group): bounded, never keys.
/// </summary>
public sealed class HostInstruments
{
    public static HostInstruments None { get; } = new();

    public Histogram<double>? WalFsyncSeconds { get; init; }
    public Counter<long>? WalBytes { get; init; }
    public Counter<long>? WalSyncs { get; init; }
    public Histogram<double>? LoopIterationSeconds { get; init; }
    public Counter<long>? Proposals { get; init; }
    public Counter<long>? ReadIndexRequests { get; init; }
    public Counter<long>? AppliedEntries { get; init; }
    public Histogram<double>? SnapshotSaveSeconds { get; init; }
    public Counter<long>? SnapshotSaveBytes { get; init; }
    public Histogram<double>? SnapshotInstallSeconds { get; init; }
    public Counter<long>? SnapshotInstallBytes { get; init; }
    public Counter<long>? SnapshotSendBytes { get; init; }
    public Histogram<double>? SnapshotSendSeconds { get; init; }

    /// <summary>The WAL's <c>Synced</c> callback.</summary>
    public void OnWalSynced(TimeSpan fsync, long bytes)
    {
        WalFsyncSeconds?.Record(fsync.TotalSeconds);
        WalBytes?.Add(bytes);
        WalSyncs?.Add(1);
    }

    public void IterationDone(long startedTimestamp) => LoopIterationSeconds?.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    /// <summary>Proposals of one group counted over a loop iteration: one update per outcome, not one per proposal.</summary>
    public void Proposed(ulong group, int accepted, int dropped)
    {
        if (accepted > 0) Proposals?.Add(accepted, Shard(group), new("outcome", "accepted"));
        if (dropped > 0) Proposals?.Add(dropped, Shard(group), new("outcome", "dropped"));
    }

    public void ReadIndexAsked(ulong group) => ReadIndexRequests?.Add(1, Shard(group));

    public void Applied(ulong group, int entries)
    {
        if (entries > 0) AppliedEntries?.Add(entries, Shard(group));
    }

    public void SnapshotSaved(ulong group, long bytes, TimeSpan took)
    {
        SnapshotSaveSeconds?.Record(took.TotalSeconds, Shard(group));
        SnapshotSaveBytes?.Add(bytes, Shard(group));
    }

    public void SnapshotInstalled(ulong group, long bytes, TimeSpan took)
    {
        SnapshotInstallSeconds?.Record(took.TotalSeconds, Shard(group));
        SnapshotInstallBytes?.Add(bytes, Shard(group));
    }

    public void SnapshotStreamed(ulong peer, long bytes, TimeSpan took) => SnapshotSendSeconds?.Record(took.TotalSeconds, new KeyValuePair<string, object?>("peer", Label(peer)));

    public void SnapshotSent(ulong group, ulong peer, long bytes) => SnapshotSendBytes?.Add(bytes, Shard(group), new("peer", Label(peer)));

    public static KeyValuePair<string, object?> Shard(ulong group) => new("shard", Label(group));

    /// <summary>Label text of an id; the first ids are cached so recording allocates nothing.</summary>
    public static string Label(ulong id) => id < (ulong)Labels.Length ? Labels[id] : id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] Labels = Enumerable.Range(0, 1024).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
