// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>
/// Clock faults. With <see cref="ClusterFeatures.FakeClock"/> every node runs with Debian's libfaketime preloaded
/// (mounted read-only from the host), reading its offset from a control file that the harness rewrites: the
/// offset moves the node's wall clock and its monotonic clock (Stopwatch, timers) alike. libfaketime re-reads the
/// file at most once a second (FAKETIME_CACHE_DURATION), so a drift is a staircase of one-second steps.
/// </summary>
public sealed partial class ChaosCluster
{
    /// <summary>Where Debian's libfaketime package puts the library (apt-get install libfaketime).</summary>
    public const string FakeTimeLibraryFolder = "/usr/lib/x86_64-linux-gnu/faketime";

    private const string ClockFile = "faketime.rc";
    private readonly Dictionary<string, double> _clockOffsets = [];

    /// <summary>The docker run arguments that preload libfaketime, driven by <paramref name="clockFolder"/>.</summary>
    private static string[] FakeClockArguments(string clockFolder) =>
    [
        "-v", $"{FakeTimeLibraryFolder}:/opt/faketime:ro", "-v", $"{clockFolder}:/clock",
        "-e", "LD_PRELOAD=/opt/faketime/libfaketimeMT.so.1", "-e", $"FAKETIME_TIMESTAMP_FILE=/clock/{ClockFile}",
        "-e", "FAKETIME_CACHE_DURATION=1", "-e", "FAKETIME_DONT_FAKE_MONOTONIC=0",
    ];

    private static async Task PrepareClockAsync(string clockFolder)
    {
        if (!File.Exists(Path.Combine(FakeTimeLibraryFolder, "libfaketimeMT.so.1")))
            throw new InvalidOperationException($"clock faults need libfaketime in {FakeTimeLibraryFolder} (Debian: apt-get install libfaketime; ./test.sh installs it)");
        Directory.CreateDirectory(clockFolder);
        if (!File.Exists(Path.Combine(clockFolder, ClockFile))) await WriteClockAsync(clockFolder, 0);
    }

    /// <summary>The offset in seconds of <paramref name="node"/>'s clocks from the host's.</summary>
    public double ClockOffset(int node)
    {
        lock (_lock) return _clockOffsets.GetValueOrDefault(_containers[node]);
    }

    /// <summary>Sets <paramref name="node"/>'s clock offset (seconds, either sign); it takes effect within a second.</summary>
    public async Task SetClockOffsetAsync(int node, double seconds)
    {
        string name;
        lock (_lock) _clockOffsets[name = _containers[node]] = seconds;
        await WriteClockAsync(Path.Combine(_dataRoot, name + "-clock"), seconds);
    }

    private static async Task WriteClockAsync(string clockFolder, double seconds)
    {
        // Written aside and renamed: libfaketime must never read a half-written offset.
        var spec = (seconds < 0 ? "-" : "+") + Math.Abs(seconds).ToString("F3", CultureInfo.InvariantCulture);
        var temp = Path.Combine(clockFolder, ClockFile + ".tmp");
        await File.WriteAllTextAsync(temp, spec + "\n");
        File.Move(temp, Path.Combine(clockFolder, ClockFile), overwrite: true);
    }
}
