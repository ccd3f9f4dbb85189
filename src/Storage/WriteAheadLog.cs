// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

/// <summary>
/// The node's write-ahead log (docs/storage.md): one sequence of segment files shared by every Raft group,
/// records tagged with their group and framed with length, type and CRC32C; plus the groups' snapshot files.
/// Runs unchanged on real files (<see cref="OpenDirectory"/>) and on a <see cref="MemoryDisk"/> (<see cref="MemoryWal"/>).
/// </summary>
public sealed partial class WriteAheadLog : IWriteAheadLog
{
    internal const string WalDirectory = "wal";
    internal const string SnapshotDirectory = "snap";

    private readonly IStorageDisk _disk;
    private readonly WalOptions _options;
    private readonly object _stageLock = new();
    private readonly object _syncLock = new();
    private readonly Dictionary<ulong, GroupLog> _groups = [];
    private readonly List<Segment> _segments = [];

    // Double buffering: stagers fill _staging while a sync writes _writing.
    private readonly RecordCipher? _cipher;
    private StagingBuffer _staging;
    private StagingBuffer _writing;
    private List<StagedSnapshot> _stagedSnapshots = [];
    private ulong _nextLsn = 1;
    private ulong _bufferSequence = 1;
    private ulong _durableSequence;
    private IStorageFile? _active;
    private long _writeOffset;
    private volatile Exception? _failure;
    private bool _disposed;
    private bool _stagingCheckpoint;

    private WriteAheadLog(IStorageDisk disk, WalOptions options)
    {
        options.Validate();
        _disk = disk;
        _options = options;
        _cipher = options.Encryption is { } keyring ? new RecordCipher(keyring) : null;
        _staging = new StagingBuffer(_cipher);
        _writing = new StagingBuffer(_cipher);
    }

    /// <summary>Opens (creating if needed) the log on <paramref name="disk"/> and recovers it; throws <see cref="StorageCorruptionException"/> on damage.</summary>
    public static WriteAheadLog Open(IStorageDisk disk, WalOptions? options = null)
    {
        var wal = new WriteAheadLog(disk, options ?? new WalOptions());
        try
        {
            wal.Recover();
        }
        catch
        {
            wal.Dispose();
            throw;
        }

        return wal;
    }

    /// <summary>Opens the log stored under <paramref name="directory"/> on the real file system.</summary>
    public static WriteAheadLog OpenDirectory(string directory, WalOptions? options = null) => Open(new FileDisk(directory), options);

    public IReadOnlyDictionary<ulong, GroupState> Recovered { get; private set; } = new Dictionary<ulong, GroupState>();

    public ulong DurableSequence => Volatile.Read(ref _durableSequence);

    /// <summary>Segment files currently on disk (oldest first), for tests and metrics.</summary>
    public IReadOnlyList<string> SegmentFiles
    {
        get { lock (_syncLock) return _segments.Select(s => s.Path).ToList(); }
    }

    /// <summary>Largest payload of one entry: what fits in a record on its own.</summary>
    public int MaxEntryDataBytes => _options.MaxRecordBytes - RecordFormat.HeaderBytes - _staging.Overhead - RecordPayloads.EntriesHeaderBytes - RecordPayloads.EntryHeaderBytes;

    public GroupState? GetGroup(ulong groupId)
    {
        lock (_stageLock) return _groups.TryGetValue(groupId, out var group) ? group.ToState() : null;
    }

    public void Dispose()
    {
        lock (_syncLock)
        {
            if (_disposed) return;
            _disposed = true;
            _active?.Dispose();
        }

        // The key schedules hold native handles; staging encrypts under this lock, so none is in use when freed.
        lock (_stageLock) _cipher?.Dispose();
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null) throw new StorageFailedException("storage failed earlier; the node must restart and recover", _failure);
    }

    /// <summary>Fail-stop (pitfall 16): remember the failure so every later call refuses, and throw.</summary>
    private StorageFailedException Fail(string what, Exception cause)
    {
        _failure ??= cause;
        return new StorageFailedException($"storage {what} failed; the node must stop: {cause.Message}", cause);
    }

    private sealed class Segment(ulong number, ulong firstLsn)
    {
        public ulong Number { get; } = number;
        public string Path { get; } = SegmentPath(number);

        /// <summary>The lsn of this segment's first data record (or the next lsn when it has none yet).</summary>
        public ulong FirstLsn { get; } = firstLsn;

        /// <summary>The lsn of its last data record; 0 while it has none.</summary>
        public ulong LastLsn { get; set; }
    }

    internal static string SegmentPath(ulong number) => $"{WalDirectory}/{number:D20}.seg";
}
