// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

public sealed class ReadTests
{
    [Fact]
    public void A_hit_or_a_miss_allocates_nothing()
    {
        var machine = new CacheStateMachine();
        for (ulong i = 1; i <= 100; i++)
        {
            machine.Apply(i, CommandCodec.EncodePut(BitConverter.GetBytes(i), new byte[1_024], "application/json"u8, 1_000));
        }

        var hitKey = BitConverter.GetBytes(42UL);
        var missKey = BitConverter.GetBytes(4_242UL);
        long total = 0;
        machine.TryGet(hitKey, 0, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            total += machine.TryGet(hitKey, 0, out var entry) ? entry.Value.Length + entry.ContentType.Length : 0;
            total += machine.TryGet(missKey, 0, out _) ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_000 * (1_024 + "application/json".Length), total);
    }

    [Fact]
    public void Applying_an_overwrite_allocates_only_the_new_entrys_blob()
    {
        var machine = new CacheStateMachine();
        var commands = Enumerable.Range(0, 200).Select(i => CommandCodec.EncodePut(
            BitConverter.GetBytes(i % 20), new byte[1_000], "application/json"u8, 1_000, ExpiryMode.At, 50_000 + i)).ToArray();
        ulong index = 0;
        for (var i = 0; i < 100; i++)
        {
            machine.Apply(++index, commands[i]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < 200; i++)
        {
            machine.Apply(++index, commands[i]);
        }

        // One blob per put: 4-byte key + 1-byte content type length + 4-byte value length + 1,000-byte value + a
        // 24-byte array header, rounded up to 8 bytes (applied from a span, so the command's array is not kept).
        Assert.Equal(100 * 1_040, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_read_view_keeps_showing_the_value_it_was_taken_from_after_an_update()
    {
        var machine = new CacheStateMachine();
        machine.Apply(1, TestCommand.Put("k", "old", 1_000).Encode());
        Assert.True(machine.TryGet("k"u8, 0, out var view));

        machine.Apply(2, TestCommand.Put("k", "new", 1_000).Encode());
        machine.Apply(3, CommandCodec.EncodeDelete("k"u8, 1_000));

        Assert.Equal("old"u8.ToArray(), view.Value.ToArray());
    }

    [Fact]
    public void Key_pages_walk_every_visible_key_once_in_byte_order_while_writes_happen_between_pages()
    {
        var machine = new CacheStateMachine();
        var keys = Enumerable.Range(0, 57).Select(i => $"key{i * 7919 % 1000:D3}").ToList();
        ulong index = 0;
        foreach (var key in keys)
        {
            machine.Apply(++index, TestCommand.Put(key, "v", 1_000).Encode());
        }

        machine.Apply(++index, TestCommand.Put("key500", "v", 1_000, expiresAtMs: 2_000).Encode());
        var seen = new List<string>();
        var page = machine.ListKeys(default, hasCursor: false, limit: 10, nowMs: 5_000);
        while (true)
        {
            seen.AddRange(page.Entries.Select(e => System.Text.Encoding.UTF8.GetString(e.Key.Span)));
            if (page.NextCursor is not { } cursor)
            {
                break;
            }

            // A write behind the cursor must not shift later pages (the cursor is a key, not a position).
            machine.Apply(++index, TestCommand.Put("a-before-everything" + index, "v", 1_000).Encode());
            page = machine.ListKeys(cursor.ToArray(), hasCursor: true, limit: 10, nowMs: 5_000);
        }

        var expected = keys.Where(k => k != "key500").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, seen);
    }
}
