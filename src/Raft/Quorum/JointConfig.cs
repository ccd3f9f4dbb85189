// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The voters of a (possibly joint) configuration: decisions need a majority of the incoming set and,
/// while joint, also of the outgoing set (Raft thesis §4.3).
/// </summary>
internal sealed class JointConfig
{
    public JointConfig(MajorityConfig incoming, MajorityConfig outgoing)
    {
        Incoming = incoming;
        Outgoing = outgoing;
    }

    public MajorityConfig Incoming { get; }

    public MajorityConfig Outgoing { get; }

    public bool IsJoint => Outgoing.Count > 0;

    public bool Contains(ulong id) => Incoming.Contains(id) || Outgoing.Contains(id);

    /// <summary>All voter ids of both halves, sorted.</summary>
    public SortedSet<ulong> Ids()
    {
        var ids = new SortedSet<ulong>(Incoming.Ids);
        ids.UnionWith(Outgoing.Ids);
        return ids;
    }

    public ulong CommittedIndex(Func<ulong, ulong?> acked) =>
        Math.Min(Incoming.CommittedIndex(acked), Outgoing.CommittedIndex(acked));

    public VoteResult Vote(Func<ulong, bool?> votes)
    {
        var r1 = Incoming.Vote(votes);
        var r2 = Outgoing.Vote(votes);
        if (r1 == r2) return r1;
        if (r1 == VoteResult.Lost || r2 == VoteResult.Lost) return VoteResult.Lost;
        return VoteResult.Pending;
    }

    public override string ToString() => IsJoint ? $"{Incoming}&&{Outgoing}" : Incoming.ToString();
}
