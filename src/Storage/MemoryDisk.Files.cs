// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

public sealed partial class MemoryDisk
{
    /// <summary>
    /// One file's contents. Preallocated space is a length, not an array: a simulation with many nodes would
    /// otherwise hold megabytes of zeros per segment. Bytes past <c>Data.Length</c> and below Length read as 0.
    /// </summary>
    private sealed class Node
    {
        public byte[] Data = [];
        public long Length;
        public byte[] DurableData = [];
        public long DurableLength;

        public void WriteCurrent(long offset, ReadOnlySpan<byte> bytes)
        {
            var end = offset + bytes.Length;
            if (end > Data.Length) Array.Resize(ref Data, (int)Math.Max(end, Math.Min(Math.Max(Data.Length * 2L, 4096), Math.Max(end, Length))));
            bytes.CopyTo(Data.AsSpan((int)offset));
            Length = Math.Max(Length, end);
        }

        public void MakeDurable()
        {
            DurableData = (byte[])Data.Clone();
            DurableLength = Length;
        }

        public void RevertToDurable()
        {
            Data = (byte[])DurableData.Clone();
            Length = DurableLength;
        }
    }

    private sealed class Handle(MemoryDisk disk, Node node, int epoch, string path) : IStorageFile
    {
        private bool _disposed;

        public long Length
        {
            get
            {
                lock (disk._gate)
                {
                    Check();
                    return node.Length;
                }
            }
        }

        public int Read(long offset, Span<byte> buffer)
        {
            lock (disk._gate)
            {
                Check();
                var count = (int)Math.Clamp(node.Length - offset, 0, buffer.Length);
                var stored = (int)Math.Clamp(node.Data.Length - offset, 0, count);
                node.Data.AsSpan((int)Math.Min(offset, node.Data.Length), stored).CopyTo(buffer);
                buffer.Slice(stored, count - stored).Clear();
                return count;
            }
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            lock (disk._gate)
            {
                Check();
                if (disk.FailWrites) throw new IOException($"injected write failure on {path}");
                node.WriteCurrent(offset, data);
                disk._unsynced.Add(new PendingWrite(node, offset, data.ToArray()));
            }
        }

        public void Sync()
        {
            lock (disk._gate)
            {
                Check();
                disk.FileSyncCount++;
                if (disk.FailSyncs) throw new IOException($"injected fsync failure on {path}");
                if (disk.IgnoreSyncs) return;
                node.MakeDurable();
                disk._unsynced.RemoveAll(w => w.Node == node);
            }
        }

        public void Dispose() => _disposed = true;

        private void Check()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (epoch != disk._epoch) throw new IOException($"{path}: handle opened before a crash");
        }
    }
}
