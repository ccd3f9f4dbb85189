// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.StateMachine.Bench;

/// <summary>Applied commands per second for 1 KiB puts: one insert round, then overwrite rounds.</summary>
internal static class ApplyBench
{
    public static void Run(int keys, int rounds)
    {
        var plain = Enumerable.Range(0, keys).Select(i => Keys.Put(i)).ToArray();
        var sessioned = Enumerable.Range(0, keys).Select(i => CommandCodec.EncodePut(
            Keys.Key(i), Keys.Value(i), Keys.ContentType, 1_000, session: new ClientSession(1 + ((ulong)i % 16), (ulong)i + 1, (ulong)i + 1))).ToArray();
        Measure("1 KiB puts", plain, rounds);

        // Session writes are measured on the insert round only: replaying them would measure deduplication instead.
        Measure("1 KiB puts with a client session", sessioned, rounds: 1);
    }

    private static void Measure(string name, byte[][] commands, int rounds)
    {
        var machine = new CacheStateMachine(new StateMachineOptions { MemoryLimitBytes = long.MaxValue / 2, HashSeed = 12345 });
        ulong index = 0;
        var (insert, insertCpu) = Time(machine, commands, ref index);
        var (overwrite, overwriteCpu) = (TimeSpan.Zero, TimeSpan.Zero);
        for (var round = 1; round < rounds; round++)
        {
            var (wall, cpu) = Time(machine, commands, ref index);
            overwrite += wall;
            overwriteCpu += cpu;
        }

        // The machine is shared with other work, so the rate per CPU-second (all threads, GC included) is reported too.
        double overwrites = (double)commands.Length * (rounds - 1);
        var overwriteText = rounds > 1
            ? $", overwrites {overwrites / overwrite.TotalSeconds:N0}/s (per CPU-second {overwrites / overwriteCpu.TotalSeconds:N0})"
            : "";
        Console.WriteLine(
            $"apply {name}: inserts {commands.Length / insert.TotalSeconds:N0}/s (per CPU-second {commands.Length / insertCpu.TotalSeconds:N0})" +
            $"{overwriteText} ({commands.Length:N0} keys, {rounds} rounds)");
    }

    private static (TimeSpan Wall, TimeSpan Cpu) Time(CacheStateMachine machine, byte[][] commands, ref ulong index)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        foreach (var command in commands)
        {
            var result = machine.Apply(++index, command);
            if (result.Status != ApplyStatus.Applied || result.IsDuplicate)
            {
                throw new InvalidOperationException($"Unexpected result {result}.");
            }
        }

        var wall = clock.Elapsed;
        process.Refresh();
        return (wall, process.TotalProcessorTime - cpuBefore);
    }
}
