// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Raft.Tests.Randomized;

public sealed class ChaosTests
{
    // Raft §5.2 (election safety), §5.3 (log matching), §5.4 (leader completeness, state machine safety)
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Random_faults_never_break_the_safety_properties(int nodes)
    {
        // 20 seeds × 3000 steps: drops, duplicates, reordering, partitions, crash-restarts, membership
        // changes, transfers and compactions, checked after every step.
        int applied = 0, leaderTerms = 0;
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var driver = new ChaosDriver(seed, nodes);
            var violation = driver.Run(3000);
            Assert.True(violation is null, $"seed {seed}: {violation}");
            applied += driver.AppliedIndexes;
            leaderTerms += driver.LeaderTerms;
        }

        // The runs must have done something: entries committed and leaders changed under the faults.
        Assert.True(applied > 200 && leaderTerms > 40, $"too little progress: {applied} indexes applied, {leaderTerms} leader terms");
    }

    [Fact]
    public void The_checks_catch_a_planted_truncation_of_committed_entries()
    {
        // Injected: followers rewrite their log from the append point even when entries match, so a
        // stale duplicated append cuts committed entries. Checked: the driver reports a violation
        // (a leader lacking a committed entry, or diverging applies) within 30 seeds.
        string? violation = null;
        for (ulong seed = 1; seed <= 30 && violation is null; seed++)
        {
            violation = new ChaosDriver(seed, 3, PlantedBugs.TruncateCommitted).Run(3000);
        }

        Assert.NotNull(violation);
    }

    // Pitfall 21: the core is deterministic, so a seed replays the same run.
    [Fact]
    public void The_same_seed_produces_the_same_logs_and_a_different_seed_does_not()
    {
        string Run(ulong seed)
        {
            var driver = new ChaosDriver(seed, 3);
            Assert.Null(driver.Run(2000));
            return driver.Fingerprint();
        }

        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(Run(11), Run(12));
    }
}
