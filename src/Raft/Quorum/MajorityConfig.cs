// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>Outcome of counting votes (or acknowledgements) against a configuration.</summary>
internal enum VoteResult
{
    Pending = 0,
    Lost = 1,
    Won = 2,
}

/// <summary>A set of voters decided by simple majority (Raft §5.2). Ids are kept sorted.</summary>
internal sealed class MajorityConfig
{
    private readonly SortedSet<ulong> _ids;

    public MajorityConfig() => _ids = [];

    public MajorityConfig(IEnumerable<ulong> ids) => _ids = new SortedSet<ulong>(ids);

    public int Count => _ids.Count;

    public IReadOnlyCollection<ulong> Ids => _ids;

    public bool Contains(ulong id) => _ids.Contains(id);

    public void Add(ulong id) => _ids.Add(id);

    public void Remove(ulong id) => _ids.Remove(id);

    public MajorityConfig Clone() => new(_ids);

    /// <summary>
    /// The largest index acknowledged by a majority: sort the members' acked indexes (absent = 0) and take
    /// the one a quorum has reached. An empty configuration commits everything (so joint configs defer to the other half).
    /// </summary>
    public ulong CommittedIndex(Func<ulong, ulong?> acked)
    {
        if (_ids.Count == 0) return ulong.MaxValue;
        var indexes = new ulong[_ids.Count];
        var i = 0;
        foreach (var id in _ids) indexes[i++] = acked(id) ?? 0;
        Array.Sort(indexes);
        return indexes[indexes.Length - (indexes.Length / 2 + 1)];
    }

    /// <summary>Won with a majority of yes votes, lost when a majority can no longer be reached.</summary>
    public VoteResult Vote(Func<ulong, bool?> votes)
    {
        if (_ids.Count == 0) return VoteResult.Won;
        int granted = 0, missing = 0;
        foreach (var id in _ids)
        {
            var v = votes(id);
            if (v is null) missing++;
            else if (v.Value) granted++;
        }

        var quorum = _ids.Count / 2 + 1;
        if (granted >= quorum) return VoteResult.Won;
        if (granted + missing >= quorum) return VoteResult.Pending;
        return VoteResult.Lost;
    }

    public override string ToString() => $"({string.Join(' ', _ids)})";
}
