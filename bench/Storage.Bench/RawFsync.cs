// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace RaftCache.Storage.Bench;

/// <summary>
/// The disk's own limit: sequential 4 KiB write + fsync in a loop (like <c>dd bs=4k oflag=dsync</c>), through
/// the same <see cref="FileDisk"/> calls the WAL uses, into a 64 MiB file created like a WAL segment
/// (preallocated, length set) or, for comparison, one fully written beforehand.
/// </summary>
internal static class RawFsync
{
    private const int BlockBytes = 4096;
    private const long FileBytes = 64L * 1024 * 1024;

    public static double Measure(string directory, TimeSpan duration, bool overwriteWrittenBlocks)
    {
        var disk = new FileDisk(directory);
        const string Name = "raw-fsync.bin";
        var block = new byte[BlockBytes];
        double rate;
        using (var file = disk.Create(Name, FileBytes))
        {
            if (overwriteWrittenBlocks)
            {
                for (long offset = 0; offset < FileBytes; offset += BlockBytes) file.Write(offset, block);
            }

            file.Sync();
            Random.Shared.NextBytes(block);
            var clock = Stopwatch.StartNew();
            long count = 0;
            while (clock.Elapsed < duration)
            {
                file.Write(count * BlockBytes % FileBytes, block);
                file.Sync();
                count++;
            }

            rate = count / clock.Elapsed.TotalSeconds;
        }

        disk.Delete(Name);
        return rate;
    }
}
