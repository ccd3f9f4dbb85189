// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Runtime.InteropServices;
using RaftCache.Raft;
using static RaftCache.Storage.Tests.TestData;

namespace RaftCache.Storage.Tests;

/// <summary>What recovery hands the node: entries the state machine may keep as they are.</summary>
public abstract partial class WalContractTests
{
    [Fact]
    public void Every_recovered_entry_has_an_array_of_its_own_not_a_slice_of_its_record()
    {
        // The state machine keeps a recovered put's array as the stored value: a slice of the record it was read
        // from would keep the whole record (every other entry in it) alive for as long as that key lives.
        using var h = CreateHarness();
        h.Wal.StageEntries(1, Entries(1, 40, 1, bytes: 4_096));
        h.Wal.StageHardState(1, new HardState(1, 1, 40));
        h.Wal.Sync();

        var state = h.Restart()[1];

        Assert.Equal(40, state.Entries.Count);
        Assert.All(state.Entries, entry =>
        {
            Assert.True(MemoryMarshal.TryGetArray(entry.Data, out var segment));
            Assert.Equal((0, entry.Data.Length), (segment.Offset, segment.Array!.Length));
        });
        Assert.Equal(Entries(1, 40, 1, bytes: 4_096).Select(e => e.Data.ToArray()), state.Entries.Select(e => e.Data.ToArray()));
    }
}
