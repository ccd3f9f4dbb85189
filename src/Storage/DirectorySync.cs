// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Runtime.InteropServices;

namespace RaftCache.Storage;

/// <summary>
/// fsync of a directory, which makes file creations, renames and deletions in it durable on Linux. .NET cannot
/// do it: File.OpenHandle and FileStream refuse to open a directory on Unix (UnauthorizedAccessException), so
/// this calls open(O_RDONLY|O_DIRECTORY), fsync and close from libc. On Windows, NTFS journals metadata and
/// directories cannot be flushed this way, so it does nothing there.
/// </summary>
internal static partial class DirectorySync
{
    private const int OpenReadOnly = 0;
    private const int OpenDirectoryLinux = 0x10000; // O_DIRECTORY on x86-64 and arm64 Linux
    private const int OpenDirectoryMac = 0x100000;

    public static void Sync(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var flags = OpenReadOnly | (OperatingSystem.IsMacOS() ? OpenDirectoryMac : OpenDirectoryLinux);
        var fd = Open(directory, flags);
        if (fd < 0) throw new IOException($"open({directory}) for directory fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (FSync(fd) != 0) throw new IOException($"fsync({directory}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
