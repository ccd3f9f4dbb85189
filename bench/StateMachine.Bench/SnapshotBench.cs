// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.StateMachine.Bench;

/// <summary>Snapshot capture, write and load rates for a loaded state machine, through a file in the temp folder.</summary>
internal static class SnapshotBench
{
    public static void Run(CacheStateMachine machine)
    {
        var path = Path.Combine(Path.GetTempPath(), $"raftcache-sm-bench-{Environment.ProcessId}.snap");
        try
        {
            var clock = Stopwatch.StartNew();
            var hash = machine.ComputeStateHash();
            var hashTime = clock.Elapsed;

            clock.Restart();
            var captured = machine.CaptureSnapshot();
            var captureTime = clock.Elapsed;

            clock.Restart();
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                captured.WriteTo(file);
            }

            var writeTime = clock.Elapsed;
            var bytes = new FileInfo(path).Length;

            var restored = new CacheStateMachine(new StateMachineOptions { HashSeed = 4242 });
            clock.Restart();
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            {
                restored.RestoreSnapshot(file);
            }

            var loadTime = clock.Elapsed;
            if (restored.ComputeStateHash() != hash)
            {
                throw new InvalidOperationException("Restored snapshot hashes differently.");
            }

            var mb = bytes / 1e6;
            Console.WriteLine(
                $"snapshot {machine.Count:N0} keys, {mb:N0} MB: capture {captureTime.TotalMilliseconds:N0} ms, " +
                $"write {mb / writeTime.TotalSeconds:N0} MB/s ({writeTime.TotalSeconds:N2} s), load {mb / loadTime.TotalSeconds:N0} MB/s " +
                $"({loadTime.TotalSeconds:N2} s), state hash {hashTime.TotalMilliseconds:N0} ms, hashes equal");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
