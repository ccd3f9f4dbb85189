// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The membership as the tracker uses it. Learners never overlap voters; LearnersNext holds outgoing voters
/// that become learners when the joint configuration is left (they cannot be learners while still voting).
/// </summary>
internal sealed class TrackerConfig
{
    public TrackerConfig()
        : this(new JointConfig(new MajorityConfig(), new MajorityConfig()), [], [], false)
    {
    }

    public TrackerConfig(JointConfig voters, SortedSet<ulong> learners, SortedSet<ulong> learnersNext, bool autoLeave)
    {
        Voters = voters;
        Learners = learners;
        LearnersNext = learnersNext;
        AutoLeave = autoLeave;
    }

    public JointConfig Voters { get; set; }

    public SortedSet<ulong> Learners { get; }

    public SortedSet<ulong> LearnersNext { get; }

    public bool AutoLeave { get; set; }

    public TrackerConfig Clone() =>
        new(new JointConfig(Voters.Incoming.Clone(), Voters.Outgoing.Clone()), new SortedSet<ulong>(Learners), new SortedSet<ulong>(LearnersNext), AutoLeave);

    public ConfState ToConfState() => new()
    {
        Voters = [.. Voters.Incoming.Ids],
        VotersOutgoing = [.. Voters.Outgoing.Ids],
        Learners = [.. Learners],
        LearnersNext = [.. LearnersNext],
        AutoLeave = AutoLeave,
    };

    public override string ToString() => ToConfState().ToString();
}
