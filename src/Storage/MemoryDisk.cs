// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

/// <summary>
/// An in-memory disk for the simulation and tests that keeps what is durable apart from what is merely written:
/// every file has durable and current contents, every directory durable and current names. <see cref="Crash"/>
/// throws away everything not made durable by <see cref="IStorageFile.Sync"/> or <see cref="SyncDirectory"/>,
/// optionally keeping a prefix of the unsynced writes (a torn write), so recovery runs the same code as on files.
/// Thread-safe (one lock); handles opened before a crash are dead afterwards and throw <see cref="IOException"/>.
/// </summary>
public sealed partial class MemoryDisk : IStorageDisk
{
    private readonly object _gate = new();
    private Dictionary<string, Node> _current = new(StringComparer.Ordinal);
    private Dictionary<string, Node> _durable = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    // Writes not yet covered by a file sync, in the order they were issued: a crash may keep a prefix of them.
    private readonly List<PendingWrite> _unsynced = [];
    private int _epoch;

    /// <summary>
    /// While set, file and directory syncs return without making anything durable: a disk that lies, or a power
    /// cut racing the fsync. Tests use it to crash "inside" a sync the WAL believes has completed.
    /// </summary>
    public bool IgnoreSyncs { get; set; }

    /// <summary>
    /// When set, a created file's name is durable at once (its contents still need a sync): a file system that
    /// commits metadata early. A crash can then leave a new segment present but empty or torn.
    /// </summary>
    public bool NamesDurableAtCreation { get; set; }

    /// <summary>Bytes written but not durable, in write order: the range a torn crash can keep a prefix of.</summary>
    public long UnsyncedBytes
    {
        get { lock (_gate) return _unsynced.Sum(w => (long)w.Data.Length); }
    }

    /// <summary>Counts of file syncs and directory syncs, for tests that check the group-commit promise.</summary>
    public long FileSyncCount { get; private set; }

    public long DirectorySyncCount { get; private set; }

    public void CreateDirectory(string directory)
    {
        lock (_gate) _directories.Add(directory);
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        lock (_gate)
        {
            var prefix = directory + "/";
            return _current.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0)
                .Select(k => k[prefix.Length..]).Order(StringComparer.Ordinal).ToList();
        }
    }

    public bool Exists(string path)
    {
        lock (_gate) return _current.ContainsKey(path);
    }

    public IStorageFile Create(string path, long preallocateBytes)
    {
        lock (_gate)
        {
            RequireDirectory(path);
            if (_current.ContainsKey(path)) throw new IOException($"{path} already exists");
            var node = new Node { Length = preallocateBytes };
            _current[path] = node;
            if (NamesDurableAtCreation) _durable[path] = node;
            return new Handle(this, node, _epoch, path);
        }
    }

    public IStorageFile Open(string path)
    {
        lock (_gate)
        {
            if (!_current.TryGetValue(path, out var node)) throw new FileNotFoundException(path);
            return new Handle(this, node, _epoch, path);
        }
    }

    public void Rename(string source, string destination)
    {
        lock (_gate)
        {
            if (!_current.Remove(source, out var node)) throw new FileNotFoundException(source);
            _current[destination] = node;
        }
    }

    public void Delete(string path)
    {
        lock (_gate) _current.Remove(path);
    }

    public void SyncDirectory(string directory)
    {
        lock (_gate)
        {
            DirectorySyncCount++;
            if (IgnoreSyncs) return;
            var prefix = directory + "/";
            foreach (var key in _durable.Keys.Where(k => InDirectory(k, prefix)).ToList()) _durable.Remove(key);
            foreach (var (key, node) in _current.Where(kv => InDirectory(kv.Key, prefix))) _durable[key] = node;
        }
    }

    private static bool InDirectory(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && path.IndexOf('/', prefix.Length) < 0;

    private void RequireDirectory(string path)
    {
        var slash = path.LastIndexOf('/');
        if (slash > 0 && !_directories.Contains(path[..slash])) throw new DirectoryNotFoundException(path[..slash]);
    }

    private readonly record struct PendingWrite(Node Node, long Offset, byte[] Data);
}
