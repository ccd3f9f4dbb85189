// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;

namespace RaftCache.StateMachine.Tests;

/// <summary>Assertions that two views of the cache read the same.</summary>
internal static class Compare
{
    public static void ReadsMatchModel(CacheStateMachine machine, ReferenceModel model, long nowMs)
    {
        Assert.Equal(model.Count, machine.Count);
        Assert.Equal(model.AccountedBytes, machine.AccountedBytes);
        Assert.Equal(model.MemoryLimitBytes, machine.MemoryLimitBytes);
        for (var k = 0; k < ScenarioDriver.KeyCount; k++)
        {
            var key = ScenarioDriver.KeyName(k);
            var expected = model.Get(key, nowMs);
            var found = machine.TryGet(Encoding.UTF8.GetBytes(key), nowMs, out var entry);
            Assert.True(expected.HasValue == found, $"{key} at {nowMs}: model {(expected.HasValue ? "has" : "lacks")} it");
            if (expected is { } e)
            {
                Assert.Equal(e.Value, entry.Value.ToArray());
                Assert.Equal(e.ContentType, Encoding.UTF8.GetString(entry.ContentType.Span));
                Assert.Equal(e.Version, entry.Version);
                Assert.Equal(e.ExpiresAtMs, entry.ExpiresAtMs);
                Assert.Equal(key, Encoding.UTF8.GetString(entry.Key.Span));
            }
        }
    }

    /// <summary>Every key either replica holds reads identically on both, at <paramref name="nowMs"/>.</summary>
    public static void SameReads(CacheStateMachine a, CacheStateMachine b, long nowMs)
    {
        Assert.Equal(a.AppliedIndex, b.AppliedIndex);
        Assert.Equal(a.Count, b.Count);
        Assert.Equal(a.AccountedBytes, b.AccountedBytes);
        Assert.Equal(a.SessionCount, b.SessionCount);
        Assert.Equal(AllKeys(a, nowMs), AllKeys(b, nowMs));
        foreach (var key in AllKeys(a, long.MinValue))
        {
            Assert.True(a.TryGet(key, nowMs, out var x) == b.TryGet(key, nowMs, out var y));
            Assert.Equal(x.Value.ToArray(), y.Value.ToArray());
            Assert.Equal(x.ContentType.ToArray(), y.ContentType.ToArray());
            Assert.Equal(x.Version, y.Version);
            Assert.Equal(x.ExpiresAtMs, y.ExpiresAtMs);
        }
    }

    /// <summary>All keys visible at <paramref name="nowMs"/>, walked page by page through the cursor API.</summary>
    public static List<byte[]> AllKeys(CacheStateMachine machine, long nowMs, int pageSize = 5)
    {
        var keys = new List<byte[]>();
        ReadOnlyMemory<byte>? cursor = null;
        for (var pages = 0; pages < 100_000; pages++)
        {
            var page = machine.ListKeys(cursor.HasValue ? cursor.Value.Span : default, cursor.HasValue, pageSize, nowMs);
            keys.AddRange(page.Entries.Select(e => e.Key.ToArray()));
            if (page.NextCursor is null)
            {
                return keys;
            }

            cursor = page.NextCursor.Value.ToArray();
        }

        throw new InvalidOperationException("Key paging did not terminate.");
    }
}
