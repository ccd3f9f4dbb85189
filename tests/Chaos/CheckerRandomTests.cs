// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Chaos;

/// <summary>
/// Random histories that are linearizable by construction (each operation takes effect at a random instant inside
/// its interval, answers computed in that order) must pass; the same histories with one read turned stale (it
/// returns a value that was overwritten, by an acknowledged write, before the read was even called) must fail.
/// </summary>
public sealed class CheckerRandomTests
{
    [Fact]
    public void Random_linearizable_histories_pass_and_their_stale_read_mutants_fail()
    {
        var mutants = 0;
        for (var seed = 1; seed <= 300; seed++)
        {
            var history = Generate(new Random(seed));
            var verdict = RegisterChecker.Check(history, TimeSpan.FromSeconds(5));
            Assert.True(verdict.Ok, $"seed {seed}: {verdict}");
            if (StaleMutant(history) is not { } mutant) continue;
            mutants++;
            var broken = RegisterChecker.Check(mutant, TimeSpan.FromSeconds(5));
            Assert.False(broken.Ok, $"seed {seed}: the stale-read mutant passed");
            Assert.False(broken.TimedOut, $"seed {seed}: {broken}");
        }

        Assert.True(mutants >= 100, $"only {mutants} mutants could be made: the generator is too weak to test anything");
    }

    private static ChaosOp[] Generate(Random random)
    {
        var ops = new List<(ChaosOp Op, double Point)>();
        var written = new List<string>();
        for (var client = 0; client < 4; client++)
        {
            long time = random.Next(0, 20);
            for (var i = 0; i < 8; i++)
            {
                var call = time + random.Next(1, 10);
                var ret = call + random.Next(1, 40);
                time = ret;
                var roll = random.Next(10);
                var op = new ChaosOp { Client = client, Key = "k", Kind = OpKind.Get, Call = call, Return = ret };
                if (roll < 4) op = op with { Kind = OpKind.Put, Value = $"c{client}-{i}" };
                else if (roll == 4) op = op with { Kind = OpKind.Delete };
                else if (roll == 5 && written.Count > 0) op = op with { Kind = OpKind.Cas, Value = $"c{client}-{i}", ExpectedValue = written[random.Next(written.Count)] };
                if (op.Value is not null) written.Add(op.Value);
                if (random.Next(12) == 0 && op.Kind != OpKind.Get) op = op with { Outcome = OpOutcome.Indeterminate };
                ops.Add((op, call + (random.NextDouble() * (ret - call))));
            }
        }

        // Take effect in order of the drawn instants; an indeterminate write takes effect or not, at random.
        string? state = null;
        var result = new List<ChaosOp>();
        foreach (var (op, _) in ops.OrderBy(o => o.Point))
        {
            var done = op;
            var applies = op.Outcome == OpOutcome.Ok || random.Next(2) == 0;
            switch (op.Kind)
            {
                case OpKind.Get:
                    done = op with { Found = state is not null, ReadValue = state };
                    break;
                case OpKind.Cas:
                    var holds = state is not null && state == op.ExpectedValue;
                    done = op with { Found = holds };
                    if (holds && applies) state = op.Value;
                    break;
                default:
                    if (applies) state = op.Kind == OpKind.Put ? op.Value : null;
                    break;
            }

            result.Add(done);
        }

        return [.. result];
    }

    private static ChaosOp[]? StaleMutant(ChaosOp[] history)
    {
        foreach (var w in history.Where(o => o is { Kind: OpKind.Put, Outcome: OpOutcome.Ok }))
        {
            foreach (var w2 in history.Where(o => o is { Kind: OpKind.Put or OpKind.Delete, Outcome: OpOutcome.Ok } && o.Call > w.Return))
            {
                var read = Array.FindIndex(history, r => r.Kind == OpKind.Get && r.Call > w2.Return && r.ReadValue != w.Value);
                if (read < 0) continue;
                var copy = (ChaosOp[])history.Clone();
                copy[read] = copy[read] with { Found = true, ReadValue = w.Value };
                return copy;
            }
        }

        return null;
    }
}
