// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

/// <summary>Builds command logs from seeded scenarios and feeds them to replicas.</summary>
internal static class Replay
{
    /// <summary>A log of encoded commands produced against a scratch replica (commands depend on versions it reads).</summary>
    public static List<byte[]> Log(int seed, int count, long memoryLimit = 3_000)
    {
        var scratch = new CacheStateMachine(ScenarioDriver.Options(memoryLimit, 0));
        var driver = new ScenarioDriver();
        var log = new List<byte[]>(count);
        foreach (var step in ScenarioDriver.SeededSteps(seed, count))
        {
            var command = driver.Next(step, key => ModelBasedTests.Version(scratch, key, driver.ClockMs)).Encode();
            scratch.Apply((ulong)log.Count + 1, command);
            log.Add(command);
        }

        return log;
    }

    /// <summary>The clock of the last command in a log built by <see cref="Log"/>, as a plausible "now" for reads.</summary>
    public static long LastTimestamp(IReadOnlyList<byte[]> log) => CommandCodec.Decode(log[^1]).TimestampMs;

    public static byte[] Snapshot(CacheStateMachine machine)
    {
        using var stream = new MemoryStream();
        machine.WriteSnapshot(stream);
        return stream.ToArray();
    }

    public static CacheStateMachine Restored(byte[] snapshot, ulong hashSeed = 99)
    {
        var machine = new CacheStateMachine(ScenarioDriver.Options(1, hashSeed));
        machine.RestoreSnapshot(new MemoryStream(snapshot));
        return machine;
    }
}
