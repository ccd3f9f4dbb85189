// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Win32.SafeHandles;

namespace RaftCache.Storage;

/// <summary>
/// <see cref="IStorageDisk"/> on the real file system under a root directory. Writes go through
/// <see cref="RandomAccess"/> (positional, unbuffered by .NET); fsync is <see cref="FileStream.Flush(bool)"/>
/// with <c>true</c>; directory fsync opens the directory itself (see <see cref="DirectorySync"/>).
/// </summary>
public sealed class FileDisk(string root) : IStorageDisk
{
    public string Root { get; } = Path.GetFullPath(root);

    private string Full(string path) => Path.Combine(Root, path);

    public void CreateDirectory(string directory)
    {
        var full = Full(directory);
        if (Directory.Exists(full)) return;
        Directory.CreateDirectory(full);
        DirectorySync.Sync(Path.GetDirectoryName(full)!);
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var full = Full(directory);
        if (!Directory.Exists(full)) return [];
        return Directory.EnumerateFiles(full).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
    }

    public bool Exists(string path) => File.Exists(Full(path));

    public IStorageFile Create(string path, long preallocateBytes)
    {
        var handle = File.OpenHandle(Full(path), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, preallocateBytes);
        try
        {
            // preallocationSize reserves blocks but may leave the length at 0; the segment format wants zeros to its end.
            if (RandomAccess.GetLength(handle) < preallocateBytes) RandomAccess.SetLength(handle, preallocateBytes);
            return new FileHandle(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public IStorageFile Open(string path) =>
        new FileHandle(File.OpenHandle(Full(path), FileMode.Open, FileAccess.ReadWrite, FileShare.Read));

    public void Rename(string source, string destination) => File.Move(Full(source), Full(destination), overwrite: true);

    public void Delete(string path) => File.Delete(Full(path));

    public void SyncDirectory(string directory) => DirectorySync.Sync(Full(directory));

    private sealed class FileHandle : IStorageFile
    {
        private readonly SafeFileHandle _handle;
        private readonly FileStream _stream;

        public FileHandle(SafeFileHandle handle)
        {
            _handle = handle;
            _stream = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
        }

        public long Length => RandomAccess.GetLength(_handle);

        public int Read(long offset, Span<byte> buffer) => RandomAccess.Read(_handle, buffer, offset);

        public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, offset);

        /// <summary>fsync(2) on Unix, FlushFileBuffers on Windows; throws IOException when the kernel reports failure.</summary>
        public void Sync() => _stream.Flush(flushToDisk: true);

        public void Dispose() => _stream.Dispose();
    }
}
