// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Bench;

/// <summary>Managed heap bytes per key beyond the key and value bytes themselves, after a full collection.</summary>
internal static class OverheadBench
{
    public static (Result Result, CacheStateMachine Machine) Run(int keys)
    {
        var machine = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = long.MaxValue / 2, HashSeed = 777 });
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < keys; i++)
        {
            machine.Apply((ulong)i + 1, Keys.Put(i));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var payload = (long)keys * (Keys.Key(0).Length + Keys.ValueBytes);
        var result = new Result(keys, after - before, payload, machine.AccountedBytes);
        Console.WriteLine(
            $"raftcache {keys:N0} keys x 1 KiB: heap +{result.HeapBytes / 1048576.0:N1} MiB, payload {payload / 1048576.0:N1} MiB, " +
            $"overhead {result.OverheadPerKey:N1} B/key; accounted {machine.AccountedBytes / 1048576.0:N1} MiB " +
            $"({(double)(machine.AccountedBytes - payload) / keys:N0} B/key counted; content type counted, stored as a 1-byte code)");
        GC.KeepAlive(machine);
        return (result, machine);
    }

    internal sealed record Result(int Keys, long HeapBytes, long PayloadBytes, long AccountedBytes)
    {
        public double OverheadPerKey => (double)(HeapBytes - PayloadBytes) / Keys;
    }
}
