// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine;

/// <summary>Snapshots: capture under the apply loop, stream anywhere, restore atomically.</summary>
public sealed partial class CacheStateMachine
{
    /// <summary>
    /// Copies the state as of <see cref="AppliedIndex"/>: one pointer copy per entry and a deep copy of the
    /// session table, so the apply loop is held for milliseconds, not for the time it takes to write the bytes.
    /// </summary>
    public CacheSnapshot CaptureSnapshot()
    {
        var entries = new Slot[_table.Count];
        var next = 0;
        for (var i = 0; i < _table.SlotsUsed; i++)
        {
            if (_table[i].Blob is not null)
            {
                entries[next++] = _table[i];
            }
        }

        var sessions = _sessions.Clients.Select(c => KeyValuePair.Create(c.Key, c.Value.Clone())).ToArray();
        return new CacheSnapshot(AppliedIndex, MemoryLimitBytes, entries, sessions);
    }

    /// <summary>Writes a snapshot of the current state to <paramref name="stream"/>.</summary>
    public void WriteSnapshot(Stream stream) => CaptureSnapshot().WriteTo(stream);

    /// <summary>
    /// Replaces the whole state with the snapshot read from <paramref name="stream"/>. The snapshot is read and
    /// checked completely into new tables first, so on any error the current state is untouched.
    /// </summary>
    /// <exception cref="StateMachineFormatException">The stream is truncated, corrupted or of an unknown version.</exception>
    public void RestoreSnapshot(Stream stream)
    {
        var (table, sessions, appliedIndex, memoryLimit) = SnapshotReader.Read(stream, _options);
        _table = table;
        _sessions = sessions;
        AppliedIndex = appliedIndex;
        MemoryLimitBytes = memoryLimit;
    }
}
