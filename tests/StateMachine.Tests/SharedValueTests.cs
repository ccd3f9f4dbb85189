// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Runtime.InteropServices;

namespace RaftCache.StateMachine.Tests;

/// <summary>
/// A put applied from a committed entry's own array keeps the value in that array (one copy shared with the Raft
/// log); anything else, or any array larger than the put by more than its header, is copied.
/// </summary>
public sealed class SharedValueTests
{
    private static readonly byte[] Key = "session:42"u8.ToArray();

    private static byte[] Value(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    private static byte[] Put(byte[] value, string contentType = "application/json", ClientSession? session = null) =>
        CommandCodec.EncodePut(Key, value, System.Text.Encoding.ASCII.GetBytes(contentType), 1_000, session: session);

    private static byte[] ArrayOf(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");

    [Theory]
    [InlineData("application/json")] // a coded content type: the command still carries its bytes
    [InlineData("text/x-custom; charset=utf-8")] // an inline one
    [InlineData("")]
    public void A_put_from_an_entrys_own_array_keeps_that_array_and_reads_back_intact(string contentType)
    {
        var value = Value(4_096, 3);
        var command = Put(value, contentType, new ClientSession(7, 1, 1));
        var machine = new CacheStateMachine();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(ApplyStatus.Applied, machine.Apply(1, command.AsMemory()).Status);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(machine.TryGet(Key, 0, out var entry));
        Assert.Same(command, ArrayOf(entry.Value));
        Assert.True(allocated < value.Length, $"applying allocated {allocated} B, a copy of the value is {value.Length} B");
        Assert.Equal(value, entry.Value.ToArray());
        Assert.Equal(Key, entry.Key.ToArray());
        Assert.Equal(contentType, System.Text.Encoding.ASCII.GetString(entry.ContentType.Span));
        Assert.Equal(Key.Length + contentType.Length + value.Length + CacheStateMachine.EntryOverheadBytes, machine.AccountedBytes);
    }

    [Fact]
    public void A_value_read_after_the_log_dropped_its_entry_is_intact()
    {
        var machine = new CacheStateMachine();
        var values = Enumerable.Range(0, 64).Select(i => Value(4_096 + i, (byte)i)).ToArray();
        var log = new List<byte[]>();
        for (var i = 0; i < values.Length; i++)
        {
            log.Add(CommandCodec.EncodePut(BitConverter.GetBytes(i), values[i], "application/json"u8, 1_000));
            machine.Apply((ulong)i + 1, log[i].AsMemory());
        }

        // Compaction: the log lets go of every entry; the state machine alone keeps each one's array alive.
        log.Clear();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(machine.TryGet(BitConverter.GetBytes(i), 0, out var entry));
            Assert.Equal(values[i], entry.Value.ToArray());
        }
    }

    [Fact]
    public void A_put_in_a_larger_buffer_is_copied_so_reusing_the_buffer_changes_nothing()
    {
        // What a pooled receive buffer or a whole WAL record would be: the command is a slice of a bigger array.
        var value = Value(1_000, 9);
        var command = Put(value);
        var buffer = new byte[command.Length + 4_096];
        command.CopyTo(buffer, 512);
        var machine = new CacheStateMachine();

        machine.Apply(1, buffer.AsMemory(512, command.Length));
        Array.Fill(buffer, (byte)0xEE); // the buffer's next user

        Assert.True(machine.TryGet(Key, 0, out var entry));
        Assert.NotSame(buffer, ArrayOf(entry.Value));
        Assert.Equal(value, entry.Value.ToArray());
    }

    [Fact]
    public void A_put_at_the_end_of_a_buffer_with_more_than_a_header_before_it_is_copied()
    {
        var value = Value(100, 1);
        var command = Put(value);
        var buffer = new byte[CacheStateMachine.MaxSharedOverheadBytes + command.Length];
        command.CopyTo(buffer, CacheStateMachine.MaxSharedOverheadBytes);
        var machine = new CacheStateMachine();

        machine.Apply(1, buffer.AsMemory(CacheStateMachine.MaxSharedOverheadBytes));

        Assert.True(machine.TryGet(Key, 0, out var entry));
        Assert.NotSame(buffer, ArrayOf(entry.Value));
        Assert.Equal(value, entry.Value.ToArray());
    }

    [Fact]
    public void Multi_key_and_computed_values_are_copied_never_slices_of_the_command()
    {
        var machine = new CacheStateMachine();
        var multi = CommandCodec.EncodePutAllIfAbsent([("a"u8.ToArray(), Value(500, 1)), ("b"u8.ToArray(), Value(500, 2))], 1_000);
        machine.Apply(1, multi.AsMemory());
        var append = CommandCodec.EncodeAppend("a"u8, Value(10, 3), 1_000);
        machine.Apply(2, append.AsMemory());

        Assert.True(machine.TryGet("a"u8, 0, out var a));
        Assert.True(machine.TryGet("b"u8, 0, out var b));
        Assert.NotSame(multi, ArrayOf(a.Value));
        Assert.NotSame(append, ArrayOf(a.Value));
        Assert.NotSame(multi, ArrayOf(b.Value));
        Assert.Equal([.. Value(500, 1), .. Value(10, 3)], a.Value.ToArray());
        Assert.Equal(Value(500, 2), b.Value.ToArray());
    }

    [Fact]
    public void Shared_and_copied_replicas_of_one_log_hash_and_snapshot_alike()
    {
        var commands = Enumerable.Range(0, 300).Select(i => CommandCodec.EncodePut(
            BitConverter.GetBytes(i % 50), Value(200 + i, (byte)i), i % 3 == 0 ? "text/x-odd"u8 : "application/json"u8, 1_000 + i)).ToArray();
        var shared = new CacheStateMachine();
        var copied = new CacheStateMachine();
        for (var i = 0; i < commands.Length; i++)
        {
            shared.Apply((ulong)i + 1, commands[i].AsMemory());
            copied.Apply((ulong)i + 1, commands[i].AsSpan());
        }

        Assert.Equal(copied.ComputeStateHash(), shared.ComputeStateHash());
        Assert.Equal(Snapshot(copied), Snapshot(shared));
        Compare.SameReads(copied, shared, 0);
    }

    private static byte[] Snapshot(CacheStateMachine machine)
    {
        using var stream = new MemoryStream();
        machine.WriteSnapshot(stream);
        return stream.ToArray();
    }
}
