// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft;

/// <summary>
/// The configuration, each member's <see cref="Progress"/> and the votes of the current election.
/// Progress is kept in a sorted map so every iteration visits peers in id order (determinism, pitfall 21).
/// </summary>
internal sealed class ProgressTracker
{
    private readonly Dictionary<ulong, bool> _votes = [];

    public ProgressTracker(int maxInflight, long maxInflightBytes)
    {
        MaxInflight = maxInflight;
        MaxInflightBytes = maxInflightBytes;
    }

    public int MaxInflight { get; }

    public long MaxInflightBytes { get; }

    public TrackerConfig Config { get; set; } = new();

    public SortedDictionary<ulong, Progress> Progress { get; set; } = [];

    public ConfState ConfState => Config.ToConfState();

    public bool IsSingleton => Config.Voters.Incoming.Count == 1 && !Config.Voters.IsJoint;

    public Progress? Get(ulong id) => Progress.GetValueOrDefault(id);

    public Inflights NewInflights() => new(MaxInflight, MaxInflightBytes);

    /// <summary>The largest index replicated on a quorum (joint-aware).</summary>
    public ulong Committed() => Config.Voters.CommittedIndex(id => Progress.TryGetValue(id, out var pr) ? pr.Match : null);

    /// <summary>CheckQuorum: whether a quorum of voters was heard from recently.</summary>
    public bool QuorumActive() =>
        Config.Voters.Vote(id => Progress.TryGetValue(id, out var pr) && !pr.IsLearner ? pr.RecentActive : null) == VoteResult.Won;

    public SortedSet<ulong> VoterIds() => Config.Voters.Ids();

    public void ResetVotes() => _votes.Clear();

    /// <summary>Records a vote; only the first vote from a member counts.</summary>
    public void RecordVote(ulong id, bool granted) => _votes.TryAdd(id, granted);

    public (int Granted, int Rejected, VoteResult Result) TallyVotes()
    {
        int granted = 0, rejected = 0;
        foreach (var (id, pr) in Progress)
        {
            if (pr.IsLearner || !_votes.TryGetValue(id, out var v)) continue;
            if (v) granted++;
            else rejected++;
        }

        return (granted, rejected, Config.Voters.Vote(id => _votes.TryGetValue(id, out var v) ? v : null));
    }
}
