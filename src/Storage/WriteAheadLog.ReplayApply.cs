// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    private sealed partial class Replay
    {
        /// <summary>Decodes a checksummed record and applies it; false when its payload does not decode (damage).</summary>
        private bool TryApply(RecordHeader record, ReadOnlySpan<byte> payload)
        {
            if (record.Type == RecordType.SegmentSeal) return record.PayloadLength == 0;
            try
            {
                Apply(record, payload);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private void Apply(RecordHeader record, ReadOnlySpan<byte> payload)
        {
            var id = record.Group;
            if (record.Type == RecordType.DropGroup)
            {
                if (record.InCheckpoint || payload.Length != 0) throw new FormatException("a group drop carries no payload and is never part of a checkpoint");

                // Everything before is void, including an unfinished checkpoint; a later record starts from empty.
                _groups.Remove(id);
                _checkpoints.Remove(id);
                return;
            }

            if (record.InCheckpoint && record.Type == RecordType.CheckpointBegin)
            {
                var (index, term) = RecordPayloads.ReadPair(payload);
                var shadow = new GroupLog(id);
                shadow.ResetBase(index, term, record.Lsn);
                _checkpoints[id] = shadow;
                return;
            }

            if (record.InCheckpoint && record.Type == RecordType.CheckpointEnd)
            {
                if (payload.Length != 0) throw new FormatException("checkpoint end carries no payload");
                if (_checkpoints.Remove(id, out var done)) _groups[id] = done;
                return;
            }

            // A normal record of a group whose checkpoint never ended: that checkpoint was torn and cut before
            // these later appends, so it is abandoned and the older records stay in charge.
            if (!record.InCheckpoint) _checkpoints.Remove(id);
            var target = record.InCheckpoint && _checkpoints.TryGetValue(id, out var open) ? open : Group(id);
            ApplyTo(target, record, payload);
        }

        private static void ApplyTo(GroupLog group, RecordHeader record, ReadOnlySpan<byte> payload)
        {
            switch (record.Type)
            {
                case RecordType.Entries:
                    group.ApplyEntries(RecordPayloads.ReadEntries(payload), record.Lsn);
                    break;
                case RecordType.HardState:
                    group.ApplyHardState(RecordPayloads.ReadHardState(payload), record.Lsn);
                    break;
                case RecordType.Snapshot:
                    var (metadata, logKept) = RecordPayloads.ReadSnapshotRecord(payload);
                    group.ApplySnapshot(metadata, logKept, record.Lsn);
                    break;
                case RecordType.Compact:
                    var (index, term) = RecordPayloads.ReadPair(payload);
                    group.ApplyCompact(index, term, record.Lsn);
                    break;
                default:
                    throw new FormatException($"record type {record.Type} out of place");
            }
        }

        private GroupLog Group(ulong id)
        {
            if (_groups.TryGetValue(id, out var group)) return group;
            group = new GroupLog(id);
            _groups.Add(id, group);
            return group;
        }

        /// <summary>Drops unfinished checkpoints and checks every group ended with a known log base.</summary>
        public IEnumerable<GroupLog> Finish()
        {
            _checkpoints.Clear();
            foreach (var group in _groups.Values)
            {
                if (!group.BaseKnown)
                    throw new StorageCorruptionException(_firstPath, 0, $"group {group.GroupId}: its log starts at {group.CompactedIndex + 1} but the records before it are missing (a needed segment was deleted or lost)");
            }

            return _groups.Values;
        }
    }
}
