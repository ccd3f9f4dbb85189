// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

public sealed partial class MemoryDisk
{
    /// <summary>When set, every write throws <see cref="IOException"/> (fail-stop tests).</summary>
    public bool FailWrites { get; set; }

    /// <summary>When set, every file sync throws <see cref="IOException"/> (fail-stop tests).</summary>
    public bool FailSyncs { get; set; }

    /// <summary>
    /// Power loss: every file reverts to its durable contents and every directory to its durable names. With
    /// <paramref name="keepUnsyncedBytes"/>, the first that many bytes of the unsynced writes (in issue order)
    /// survive anyway, the last one possibly cut mid-way: a torn write. Open handles die; syncs work again.
    /// </summary>
    public void Crash(long keepUnsyncedBytes = 0)
    {
        lock (_gate)
        {
            _epoch++;
            var pending = _unsynced.ToList();
            _unsynced.Clear();
            _current = new Dictionary<string, Node>(_durable, StringComparer.Ordinal);
            foreach (var node in _current.Values.Concat(pending.Select(w => w.Node)).Distinct()) node.RevertToDurable();
            foreach (var write in pending)
            {
                if (keepUnsyncedBytes <= 0) break;
                var kept = (int)Math.Min(keepUnsyncedBytes, write.Data.Length);
                write.Node.WriteCurrent(write.Offset, write.Data.AsSpan(0, kept));
                write.Node.MakeDurable();
                keepUnsyncedBytes -= kept;
            }

            IgnoreSyncs = false;
            NamesDurableAtCreation = false;
            FailWrites = false;
            FailSyncs = false;
        }
    }

    /// <summary>Flips one bit of a file's current and durable contents (corruption tests).</summary>
    public void FlipBit(string path, long offset, int bit)
    {
        lock (_gate)
        {
            var node = _current[path];
            if (offset >= node.Length) throw new ArgumentOutOfRangeException(nameof(offset));
            if (offset >= node.Data.Length) node.WriteCurrent(offset, [0]);
            node.Data[offset] ^= (byte)(1 << bit);
            node.MakeDurable();
        }
    }

    /// <summary>The durable length of a file (what a crash would leave), for tests.</summary>
    public long DurableLength(string path)
    {
        lock (_gate) return _durable.TryGetValue(path, out var node) ? node.DurableLength : -1;
    }
}
