// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Chaos;

/// <summary>
/// Disk faults. With <see cref="ClusterFeatures.SmallDisks"/> every container's data folder is its own loop-mounted
/// ext4 image of <see cref="DiskMegabytes"/> MiB (sparse on the host), so one node's disk can be filled (a ballast
/// file takes the free space) or slowed (cgroup v1 blkio throttle of that loop device for that container) without
/// touching the others. Mounts are undone on disposal, and leftovers of a crashed run by <see cref="RemoveLeftoversAsync"/>.
/// </summary>
public sealed partial class ChaosCluster
{
    /// <summary>Two preallocated 64 MiB WAL segments, snapshots and headroom.</summary>
    public const int DiskMegabytes = 384;

    private const string Ballast = "chaos-ballast";
    private readonly List<string> _mounts = [];

    private async Task MountDiskAsync(string folder)
    {
        var image = folder + ".img";
        await Shell.RunAsync("truncate", ["-s", $"{DiskMegabytes}M", image], TimeSpan.FromSeconds(20));
        await Shell.RunAsync("mkfs.ext4", ["-q", "-F", "-m", "0", image], TimeSpan.FromSeconds(60));
        await Shell.RunAsync("mount", ["-o", "loop", image, folder], TimeSpan.FromSeconds(30));
        lock (_lock) _mounts.Add(folder);
    }

    private string DataFolder(int node)
    {
        lock (_lock) return Path.Combine(_dataRoot, _containers[node]);
    }

    /// <summary>Takes every free byte of <paramref name="node"/>'s disk with a ballast file; returns how many bytes it took.</summary>
    public async Task<long> FillDiskAsync(int node)
    {
        var folder = DataFolder(node);
        var free = long.Parse((await Shell.RunAsync("df", ["--output=avail", "-B1", folder], TimeSpan.FromSeconds(20))).Output
            .Split('\n')[^1].Trim(), CultureInfo.InvariantCulture);
        if (free > 0) await Shell.RunAsync("fallocate", ["-l", free.ToString(CultureInfo.InvariantCulture), Path.Combine(folder, Ballast)], TimeSpan.FromSeconds(30), check: false);

        // fallocate may leave a few blocks (metadata); a second pass with dd takes what is left.
        await Shell.RunAsync("dd", ["if=/dev/zero", $"of={Path.Combine(folder, Ballast)}-2", "bs=64k"], TimeSpan.FromSeconds(30), check: false);
        return free;
    }

    public Task FreeDiskAsync(int node)
    {
        foreach (var file in Directory.GetFiles(DataFolder(node), Ballast + "*")) File.Delete(file);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Limits writes of <paramref name="node"/>'s container to its disk (write IOPS and bytes per second; 0 lifts the
    /// limit) through the blkio controller of cgroup v1, the one this host has; the limit dies with the container.
    /// </summary>
    public async Task ThrottleDiskAsync(int node, int writeIops, long writeBytesPerSecond)
    {
        var device = (await Shell.RunAsync("findmnt", ["-n", "-o", "MAJ:MIN", DataFolder(node)], TimeSpan.FromSeconds(20))).Output.Trim();
        var id = (await Shell.DockerAsync("inspect", "-f", "{{.Id}}", Container(node))).Output.Trim();
        var cgroup = $"/sys/fs/cgroup/blkio/docker/{id}";
        if (!Directory.Exists(cgroup)) throw new InvalidOperationException($"no blkio cgroup {cgroup} for {Container(node)}");
        await File.WriteAllTextAsync(Path.Combine(cgroup, "blkio.throttle.write_iops_device"), $"{device} {writeIops}");
        await File.WriteAllTextAsync(Path.Combine(cgroup, "blkio.throttle.write_bps_device"), $"{device} {writeBytesPerSecond}");
    }

    private async Task UnmountDisksAsync()
    {
        string[] mounts;
        lock (_lock) mounts = [.. _mounts];
        foreach (var folder in mounts) await UnmountAsync(folder);
    }

    /// <summary>Unmounts every chaos data disk left mounted by a crashed run (they all live in chaos temp folders).</summary>
    private static async Task UnmountLeftoversAsync()
    {
        var leftovers = (await File.ReadAllLinesAsync("/proc/mounts"))
            .Select(l => l.Split(' ')[1])
            .Where(m => m.StartsWith(Path.Combine(Path.GetTempPath(), "raftcache-chaos-"), StringComparison.Ordinal));
        foreach (var folder in leftovers) await UnmountAsync(folder);
    }

    private static async Task UnmountAsync(string folder)
    {
        // Lazy when busy: the container is gone, but a last writer may still hold a file for a moment.
        if ((await Shell.RunAsync("umount", [folder], TimeSpan.FromSeconds(30), check: false)).ExitCode != 0)
            await Shell.RunAsync("umount", ["-l", folder], TimeSpan.FromSeconds(30), check: false);
    }
}

/// <summary>What a chaos cluster is built with beyond plain containers: each feature is needed by some nemeses only.</summary>
[Flags]
public enum ClusterFeatures
{
    None = 0,

    /// <summary>Each data folder on its own small loop-mounted filesystem (disk-full and slow-disk faults).</summary>
    SmallDisks = 1,

    /// <summary>libfaketime preloaded into every node, driven by a control file per node (clock faults).</summary>
    FakeClock = 2,
}
