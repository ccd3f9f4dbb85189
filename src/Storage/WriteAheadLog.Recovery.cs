// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;

namespace RaftCache.Storage;

public sealed partial class WriteAheadLog
{
    private ulong _firstSegmentNumber = 1;

    /// <summary>
    /// Replays every segment in order (docs/storage.md, "Recovery"): a bad or missing record in the last
    /// segment with nothing valid after it is a torn tail and is cut off (and zeroed, so later appends are
    /// clean); anything else damaged throws <see cref="StorageCorruptionException"/> naming file and offset.
    /// </summary>
    private void Recover()
    {
        _disk.CreateDirectory(WalDirectory);
        _disk.CreateDirectory(SnapshotDirectory);
        var numbers = ListSegmentNumbers();
        var replay = new Replay(this);

        // A crash right after creating the next segment can leave its name durable but none of its bytes.
        // Nothing in such a segment was ever acknowledged, so it goes, and the one before it is the last.
        while (numbers.Count > 0 && replay.NeverWritten(SegmentPath(numbers[^1])))
        {
            DiscardSegment(SegmentPath(numbers[^1]), numbers[^1]);
            numbers.RemoveAt(numbers.Count - 1);
        }

        long tail = -1;
        for (var i = 0; i < numbers.Count; i++)
        {
            var path = SegmentPath(numbers[i]);
            var isLast = i == numbers.Count - 1;
            var result = replay.Segment(path, numbers[i], isLast);
            if (isLast) tail = result.Tail;
            var segment = new Segment(numbers[i], result.FirstLsn) { LastLsn = result.LastLsn };
            _segments.Add(segment);
            if (isLast && result.Sealed) tail = -1;
        }

        _nextLsn = replay.NextLsn;
        foreach (var group in replay.Finish()) _groups.Add(group.GroupId, group);
        Recovered = _groups.Values.ToDictionary(g => g.GroupId, g => g.ToState());
        RecoverSnapshots();
        RecoverTombstones();
        OpenActiveSegment(tail);
    }

    private void DiscardSegment(string path, ulong number)
    {
        try
        {
            _disk.Delete(path);
            _disk.SyncDirectory(WalDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail("empty segment removal", e);
        }

        _firstSegmentNumber = number;
    }

    private List<ulong> ListSegmentNumbers()
    {
        var numbers = new List<ulong>();
        foreach (var name in _disk.ListFiles(WalDirectory))
        {
            if (name.Length == 24 && name.EndsWith(".seg", StringComparison.Ordinal)
                && ulong.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out var number)) numbers.Add(number);
        }

        numbers.Sort();
        for (var i = 1; i < numbers.Count; i++)
        {
            if (numbers[i] != numbers[i - 1] + 1) throw new StorageCorruptionException(SegmentPath(numbers[i - 1] + 1), 0, "segment file missing from the middle of the log");
        }

        return numbers;
    }

    /// <summary>Continues the last segment at its recovered end, or starts a new one if it is sealed or absent.</summary>
    private void OpenActiveSegment(long tail)
    {
        try
        {
            if (tail >= 0)
            {
                var last = _segments[^1];
                _active = _disk.Open(last.Path);
                _writeOffset = tail;
                return;
            }

            Roll(_nextLsn);
            _active!.Sync();
            _disk.SyncDirectory(WalDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail("segment open", e);
        }
    }
}
