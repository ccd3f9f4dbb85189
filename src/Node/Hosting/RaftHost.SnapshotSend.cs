// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;
using RaftCache.Raft;
using RaftCache.Storage;

namespace RaftCache.Node.Hosting;

/// <summary>
/// Sending snapshots to followers. The log keeps a snapshot's metadata only, so the core's snapshot message carries no
/// bytes: the loop opens the snapshot file, the snapshot executor reads it straight into the transport's frame
/// (<see cref="IPeerTransport.SendSnapshot"/>), and the loop reports the outcome to the core. The executor sends, not
/// the loop: reading a shard's snapshot (68 MB per shard with 1 GiB over 16 shards) on the loop would hold up every
/// group of the node. A node holds a snapshot's bytes only while sending it.
/// </summary>
public sealed partial class RaftHost
{
    private int _snapshotSendsInFlight;

    private void SendSnapshot(GroupReplica replica, Message message)
    {
        var to = message.To;
        var snapshot = message.Snapshot ?? throw new InvalidOperationException($"group {replica.GroupId}: snapshot message to {to} without a snapshot");
        // A snapshot taken before the recipient joined does not list it, and it would ignore that snapshot forever:
        // take a fresh one and let the leader retry with it. Not when the log's snapshot lists it already: the core
        // chose this one before that snapshot was recorded (in the same iteration), and retries with the newer one;
        // a second fresh snapshot would be one more of the shard's whole size to write, send and install.
        if (!IsMember(snapshot.Metadata.ConfState, to))
        {
            if (replica.Log.Snapshot() is not { } current || !IsMember(current.Metadata.ConfState, to)) MaybeSnapshot(replica, force: true);
            replica.Node.ReportSnapshot(to, false);
            return;
        }
        if (_snapshotSendsInFlight >= _options.MaxSnapshotSendsInFlight)
        {
            replica.Node.ReportSnapshot(to, false);
            return;
        }
        Stream file;
        try
        {
            // Opened here, on the loop, where the log names this snapshot: a newer snapshot may delete the file later,
            // but an open file is read to its end (the old name's deletion does not cut it short).
            file = _wal.OpenSnapshot(replica.GroupId, snapshot.Metadata.Index);
        }
        catch (Exception e) when (e is IOException or StorageCorruptionException)
        {
            LogSnapshotSendFailed(_logger, NodeId, replica.GroupId, to, snapshot.Metadata.Index, e.Message);
            RetryWithNewerSnapshot(replica, to, snapshot.Metadata.Index);
            return;
        }
        _snapshotSendsInFlight++;
        var groupId = replica.GroupId;
        SnapshotExecutor(() =>
        {
            bool sent;
            int bytes;
            try
            {
                // Sent even if the group left this node meanwhile: to the follower that is one more delayed message of
                // a past term, which Raft tolerates.
                using (file) (sent, bytes) = SendSnapshotFile(to, new GroupMessage(groupId, message), file);
            }
            catch (Exception e)
            {
                // Whatever went wrong, the loop must learn of it: it counts the sends in flight and the core waits for a report.
                Post(() => FinishSnapshotSend(groupId, message, e.Message, queued: false, 0));
                return;
            }
            Post(() => FinishSnapshotSend(groupId, message, null, sent, bytes));
        });
    }

    // A file that knows its length is read straight into the transport's frame; else read whole first. Either way it
    // is read to its end, where it verifies the file's checksum, before anything is queued.
    private (bool Sent, int Bytes) SendSnapshotFile(ulong to, GroupMessage item, Stream file)
    {
        if (TryLength(file) is not { } length)
        {
            var data = ReadAll(file);
            return (_transport.SendSnapshot(to, item, data.Length, destination => data.Span.CopyTo(destination)), data.Length);
        }
        return (_transport.SendSnapshot(to, item, checked((int)length), destination => ReadExactlyToEnd(file, destination)), (int)length);
    }

    private static void ReadExactlyToEnd(Stream file, Span<byte> destination)
    {
        file.ReadExactly(destination);
        if (file.Read(stackalloc byte[1]) != 0) throw new IOException("snapshot data longer than its stated length");
    }

    private void FinishSnapshotSend(ulong groupId, Message message, string? readFailure, bool queued, int bytes)
    {
        _snapshotSendsInFlight--;
        if (!_groups.TryGetValue(groupId, out var replica)) return;
        var to = message.To;
        if (readFailure is not null)
        {
            LogSnapshotSendFailed(_logger, NodeId, groupId, to, message.Snapshot?.Metadata.Index ?? 0, readFailure);
            RetryWithNewerSnapshot(replica, to, message.Snapshot?.Metadata.Index ?? 0);
            return;
        }
        if (queued) Instruments.SnapshotSent(groupId, to, bytes);
        else replica.Node.ReportUnreachable(to);
        // The frame is queued; a lost snapshot is noticed when the follower's next append response rejects.
        replica.Node.ReportSnapshot(to, queued);
    }

    // Usually a newer snapshot replaced the one the core chose (its file is gone): the leader retries with that one.
    // Otherwise the file is unreadable, and a fresh snapshot replaces it.
    private void RetryWithNewerSnapshot(GroupReplica replica, ulong to, ulong failedIndex)
    {
        if (replica.SnapshotIndex <= failedIndex) MaybeSnapshot(replica, force: true);
        replica.Node.ReportSnapshot(to, false);
    }

    /// <summary>The group's snapshot at <paramref name="index"/> as stored: restoring it at startup is its one full read on the loop.</summary>
    private ReadOnlyMemory<byte> ReadSnapshot(ulong groupId, ulong index)
    {
        using var file = _wal.OpenSnapshot(groupId, index);
        return ReadAll(file);
    }

    // Into one buffer of the final size when the stream knows it (an unencrypted file), else grown as it is read. Either
    // way the stream is read to its end, where it verifies the file's checksum.
    private static ReadOnlyMemory<byte> ReadAll(Stream file)
    {
        if (TryLength(file) is not { } length)
        {
            using var copy = new MemoryStream();
            file.CopyTo(copy);
            return copy.GetBuffer().AsMemory(0, (int)copy.Length);
        }
        // Not zeroed first: every byte is read into it (a shard's snapshot is tens of megabytes).
        var data = GC.AllocateUninitializedArray<byte>(checked((int)length));
        ReadExactlyToEnd(file, data);
        return data;
    }

    private static long? TryLength(Stream file)
    {
        try
        {
            return file.Length;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 75212, Level = LogLevel.Warning, Message = "Node {Node} group {Group}: snapshot {Index} not sent to {Peer}: {Reason}")]
    private static partial void LogSnapshotSendFailed(ILogger logger, ulong node, ulong group, ulong peer, ulong index, string reason);
}
