// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Runtime.InteropServices;
using RaftCache.Node.Metadata;
using RaftCache.StateMachine;

namespace RaftCache.Node.Hosting;

/// <summary>
/// What a Raft group's replica applies its committed entries to. Apply runs on the host loop; reads may come
/// from request threads, so implementations guard their state (a short lock per group).
/// </summary>
public interface IGroupStateMachine
{
    ulong AppliedIndex { get; }

    /// <summary>Applies a committed application entry; the result goes to the proposer, if it is waiting here.</summary>
    CommandResult Apply(ulong index, ReadOnlySpan<byte> command);

    /// <summary>
    /// Applies a committed entry's data, which the state machine may keep instead of copying: a Raft entry's array
    /// is never written again.
    /// </summary>
    CommandResult Apply(ulong index, ReadOnlyMemory<byte> command) => Apply(index, command.Span);

    /// <summary>Advances the applied index over an entry with no application content (no-op, configuration change).</summary>
    void Skip(ulong index);

    byte[] Snapshot();

    /// <summary>
    /// Captures the applied state now (on the loop) and returns what writes it out later, on another thread, while
    /// applying goes on: the snapshot is serialised straight into its file, never whole in memory. By default a copy
    /// made by <see cref="Snapshot"/>.
    /// </summary>
    Action<Stream> CaptureSnapshot()
    {
        var data = Snapshot();
        return stream => stream.Write(data);
    }

    /// <summary>Replaces the state with a snapshot's; nothing of <paramref name="data"/> is kept after the call.</summary>
    void Restore(ReadOnlyMemory<byte> data);

    /// <summary>
    /// Decodes a snapshot without touching the current state (off the loop, while applying goes on elsewhere) and
    /// returns what swaps it in (on the loop). By default the whole restore happens in the swap.
    /// </summary>
    Action PrepareRestore(ReadOnlyMemory<byte> data) => () => Restore(data);
}

/// <summary>A shard's cache replica.</summary>
public sealed class CacheGroupStateMachine(StateMachineOptions options) : IGroupStateMachine
{
    private readonly Lock _lock = new();
    private CacheStateMachine _cache = new(options);

    public ulong AppliedIndex
    {
        get
        {
            lock (_lock) return _cache.AppliedIndex;
        }
    }

    public CommandResult Apply(ulong index, ReadOnlySpan<byte> command) => Apply(index, command.ToArray().AsMemory());

    public CommandResult Apply(ulong index, ReadOnlyMemory<byte> command)
    {
        lock (_lock)
        {
            try
            {
                return CommandResult.Of(_cache.Apply(index, command));
            }
            catch (StateMachineFormatException)
            {
                // Every replica rejects the same committed bytes alike and changes nothing, so the entry is
                // skipped everywhere; crashing instead would take every replica of the shard down with it.
                MalformedEntries++;
                _cache.ApplyNoOp(index);
                return CommandResult.None;
            }
        }
    }

    /// <summary>Committed entries no replica could decode (they were skipped; proposers of this build never write one).</summary>
    public long MalformedEntries { get; private set; }

    public void Skip(ulong index)
    {
        lock (_lock) _cache.ApplyNoOp(index);
    }

    public bool TryGet(ReadOnlySpan<byte> key, long nowMs, out CacheEntry entry)
    {
        lock (_lock) return _cache.TryGet(key, nowMs, out entry);
    }

    /// <summary>Runs <paramref name="read"/> under the replica's lock (counts, hashes, key pages).</summary>
    public T Read<T>(Func<CacheStateMachine, T> read)
    {
        lock (_lock) return read(_cache);
    }

    public byte[] Snapshot()
    {
        // The capture is a cheap point-in-time copy (values are immutable); serialising it needs no lock.
        CacheSnapshot capture;
        lock (_lock) capture = _cache.CaptureSnapshot();
        using var stream = new MemoryStream();
        capture.WriteTo(stream);
        return stream.ToArray();
    }

    public Action<Stream> CaptureSnapshot()
    {
        // Values are immutable and the capture shares them, so writing it out needs no lock and no copy of the state.
        CacheSnapshot capture;
        lock (_lock) capture = _cache.CaptureSnapshot();
        return capture.WriteTo;
    }

    public void Restore(ReadOnlyMemory<byte> data) => PrepareRestore(data)();

    public Action PrepareRestore(ReadOnlyMemory<byte> data)
    {
        var fresh = new CacheStateMachine(options);
        // Read where it lies: a shard's snapshot is tens of megabytes, and a copy of it would be one more large array
        // to allocate, zero and collect per install.
        var stream = MemoryMarshal.TryGetArray(data, out var array)
            ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
        fresh.RestoreSnapshot(stream);
        return () =>
        {
            lock (_lock) _cache = fresh;
        };
    }
}

/// <summary>The metadata group's replica.</summary>
public sealed class MetadataGroupStateMachine(MetadataStateMachine metadata) : IGroupStateMachine
{
    public MetadataStateMachine Metadata => metadata;

    public ulong AppliedIndex => metadata.AppliedIndex;

    public CommandResult Apply(ulong index, ReadOnlySpan<byte> command) => CommandResult.Of(metadata.Apply(index, command));

    public void Skip(ulong index) => metadata.MarkApplied(index);

    public byte[] Snapshot() => metadata.Snapshot();

    public void Restore(ReadOnlyMemory<byte> data) => metadata.Restore(data.Span);
}
