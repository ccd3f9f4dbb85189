// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage.Tests;

/// <summary>A fresh directory under the system temp folder for tests on real files, deleted (best effort) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "raftcache-storage-tests", Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}
