// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Components;

/// <summary>The quorum arithmetic, checked against deliberately naive versions on seeded random inputs (etcd quorum/quick_test.go).</summary>
public sealed class QuorumTests
{
    // Naive: the largest index that at least a majority acknowledged, found by trying every candidate.
    private static ulong NaiveCommitted(IReadOnlyList<ulong> ids, IReadOnlyDictionary<ulong, ulong> acked)
    {
        if (ids.Count == 0) return ulong.MaxValue;
        var candidates = ids.Select(id => acked.GetValueOrDefault(id)).Append(0UL).Distinct().OrderDescending();
        foreach (var index in candidates)
        {
            if (ids.Count(id => acked.GetValueOrDefault(id) >= index) > ids.Count / 2) return index;
        }

        return 0;
    }

    private static VoteResult NaiveVote(IReadOnlyList<ulong> ids, IReadOnlyDictionary<ulong, bool> votes)
    {
        if (ids.Count == 0) return VoteResult.Won;
        var yes = ids.Count(id => votes.TryGetValue(id, out var v) && v);
        var no = ids.Count(id => votes.TryGetValue(id, out var v) && !v);
        if (2 * yes > ids.Count) return VoteResult.Won;
        if (2 * no >= ids.Count) return VoteResult.Lost;
        return VoteResult.Pending;
    }

    private static List<ulong> RandomIds(SplitMix64 rng, int max)
    {
        var count = rng.Next(max + 1);
        var ids = new SortedSet<ulong>();
        while (ids.Count < count) ids.Add((ulong)rng.Next(12) + 1);
        return [.. ids];
    }

    // Raft §5.3 (commit index), thesis §4.3 (joint)
    [Fact]
    public void Committed_index_matches_the_naive_definition_for_majority_and_joint_configurations()
    {
        var rng = new SplitMix64(42);
        for (var i = 0; i < 5000; i++)
        {
            var incoming = RandomIds(rng, 7);
            var outgoing = RandomIds(rng, 7);
            var acked = new Dictionary<ulong, ulong>();
            foreach (var id in incoming.Concat(outgoing))
            {
                if (rng.Next(4) != 0) acked[id] = (ulong)rng.Next(20);
            }

            ulong? Ack(ulong id) => acked.TryGetValue(id, out var v) ? v : null;
            var majority = new MajorityConfig(incoming);
            Assert.Equal(NaiveCommitted(incoming, acked), majority.CommittedIndex(Ack));
            var joint = new JointConfig(majority, new MajorityConfig(outgoing));
            Assert.Equal(Math.Min(NaiveCommitted(incoming, acked), NaiveCommitted(outgoing, acked)), joint.CommittedIndex(Ack));
        }
    }

    // Raft §5.2 (majority vote), thesis §4.3 (joint vote)
    [Fact]
    public void Vote_results_match_the_naive_definition_for_majority_and_joint_configurations()
    {
        var rng = new SplitMix64(7);
        for (var i = 0; i < 5000; i++)
        {
            var incoming = RandomIds(rng, 7);
            var outgoing = RandomIds(rng, 7);
            var votes = new Dictionary<ulong, bool>();
            foreach (var id in incoming.Concat(outgoing))
            {
                var roll = rng.Next(3);
                if (roll < 2) votes[id] = roll == 0;
            }

            bool? Vote(ulong id) => votes.TryGetValue(id, out var v) ? v : null;
            Assert.Equal(NaiveVote(incoming, votes), new MajorityConfig(incoming).Vote(Vote));
            var r1 = NaiveVote(incoming, votes);
            var r2 = NaiveVote(outgoing, votes);
            var expected = r1 == r2 ? r1 : (r1 == VoteResult.Lost || r2 == VoteResult.Lost) ? VoteResult.Lost : VoteResult.Pending;
            Assert.Equal(expected, new JointConfig(new MajorityConfig(incoming), new MajorityConfig(outgoing)).Vote(Vote));
        }
    }

    [Fact]
    public void Five_voters_commit_the_third_highest_acknowledgement()
    {
        var config = new MajorityConfig([1, 2, 3, 4, 5]);
        var acked = new Dictionary<ulong, ulong> { [1] = 9, [2] = 3, [3] = 7, [4] = 5 };
        Assert.Equal(5UL, config.CommittedIndex(id => acked.TryGetValue(id, out var v) ? v : null));
    }
}
