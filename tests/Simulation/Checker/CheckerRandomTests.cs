// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Checker;

namespace RaftCache.Simulation.Checker;

/// <summary>
/// Random histories that are legal by construction must pass; the same histories with one answer mutated
/// into something no execution can produce must fail. Together they show the checker neither rejects
/// legal concurrency nor waves through illegal answers.
/// </summary>
public sealed class CheckerRandomTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(1UL, 3, 20)]
    [InlineData(2UL, 5, 25)]
    [InlineData(3UL, 8, 15)]
    [InlineData(4UL, 10, 12)]
    public void Histories_legal_by_construction_pass(ulong seed, int clients, int opsPerClient)
    {
        for (var round = 0UL; round < 10; round++)
        {
            var ops = RandomHistory.Generate(seed * 1000 + round, clients, opsPerClient);
            var result = LinearizabilityChecker.Check(ops, Budget);
            Assert.True(result.IsLinearizable, $"round {round}: {result}");
        }
    }

    [Fact]
    public void Reading_a_value_that_was_never_written_fails_in_every_history()
    {
        var mutated = 0;
        for (var seed = 100UL; seed < 160; seed++)
        {
            var ops = RandomHistory.Generate(seed, 5, 20);
            var index = ops.FindIndex(o => o.Kind == KvOpKind.Get && o.Outcome == KvOutcome.Ok);
            if (index < 0) continue;
            ops[index] = ops[index] with { Found = true, ReadValue = "never-written", ReadVersion = 1 };
            mutated++;
            Assert.False(LinearizabilityChecker.Check(ops, Budget).IsLinearizable, $"seed {seed}");
        }

        Assert.True(mutated > 50, $"only {mutated} histories had a read to mutate");
    }

    [Fact]
    public void Reading_a_write_that_starts_after_the_read_returned_fails_in_every_history()
    {
        var mutated = 0;
        for (var seed = 200UL; seed < 300; seed++)
        {
            var ops = RandomHistory.Generate(seed, 4, 25);
            var versions = RandomHistory.WrittenVersions(ops);
            var read = ops.FindIndex(o => o.Kind == KvOpKind.Get && o.Outcome == KvOutcome.Ok);
            if (read < 0) continue;
            var future = ops.FirstOrDefault(o => o.Value is not null && versions.ContainsKey(o.Value)
                && o.Kind != KvOpKind.Get && o.CallTime > ops[read].ReturnTime);
            if (future is null) continue;
            ops[read] = ops[read] with { Found = true, ReadValue = future.Value, ReadVersion = versions[future.Value!] };
            mutated++;
            var result = LinearizabilityChecker.Check(ops, Budget);
            Assert.False(result.IsLinearizable, $"seed {seed}: read from the future passed");
        }

        Assert.True(mutated > 30, $"only {mutated} histories could be mutated");
    }

    [Fact]
    public void Losing_the_last_acknowledged_write_fails()
    {
        // Every operation is acknowledged, so the final version is fixed; a read issued after all of them
        // that sees one version less behaves as if an acknowledged write vanished (e.g. after a crash).
        var mutated = 0;
        for (var seed = 300UL; seed < 340; seed++)
        {
            var ops = RandomHistory.Generate(seed, 3, 15, determinateOnly: true, out var final);
            if (final.Version < 1) continue;
            var end = ops.Max(o => o.ReturnTime) + 10;
            Assert.True(LinearizabilityChecker.Check([.. ops, H.Get(9, final.Value, final.Version, end, end + 1)], Budget).IsLinearizable);
            ops.Add(H.Get(9, final.Value, final.Version - 1, end, end + 1));
            mutated++;
            Assert.False(LinearizabilityChecker.Check(ops, Budget).IsLinearizable, $"seed {seed}");
        }

        Assert.True(mutated > 20);
    }

    [Fact]
    public void Exhausted_time_budget_counts_as_failure()
    {
        var ops = RandomHistory.Generate(7, 10, 40);
        var result = LinearizabilityChecker.Check(ops, TimeSpan.Zero);
        Assert.False(result.IsLinearizable);
        Assert.True(result.TimedOut);
    }
}
