// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Checker;
using RaftCache.Raft;

namespace RaftCache.Simulation.Checker;

/// <summary>
/// Generates histories that are linearizable by construction: every operation gets a linearization point
/// inside its interval, and answers are computed by applying operations in the order of those points.
/// Indeterminate operations are applied or not at random; failed ones never are.
/// </summary>
internal static class RandomHistory
{
    public static List<KvOperation> Generate(ulong seed, int clients, int opsPerClient, bool determinateOnly = false) =>
        Generate(seed, clients, opsPerClient, determinateOnly, out _);

    public static List<KvOperation> Generate(ulong seed, int clients, int opsPerClient, bool determinateOnly, out KvState final)
    {
        var random = new SplitMix64(seed);
        var planned = new List<(long Lin, KvOperation Op, bool Applies)>();
        var nextValue = 0;
        for (var client = 1; client <= clients; client++)
        {
            long time = random.Next(4);
            for (var i = 0; i < opsPerClient; i++)
            {
                var call = time + random.Next(3);
                var lin = call + random.Next(6);
                var ret = lin + random.Next(6);
                var kind = (KvOpKind)random.Next(5);
                var outcome = determinateOnly ? KvOutcome.Ok : random.Next(25) switch { 0 => KvOutcome.Indeterminate, 1 or 2 => KvOutcome.Fail, _ => KvOutcome.Ok };
                var op = new KvOperation
                {
                    ClientId = client, Key = H.Key, Kind = kind, Value = $"v{nextValue++}",
                    ExpectedVersion = random.Next(4), CallTime = call, ReturnTime = ret, Outcome = outcome,
                };
                var applies = outcome == KvOutcome.Ok || (outcome == KvOutcome.Indeterminate && random.Next(2) == 0);
                planned.Add((lin * 16 + client, op, applies));
                time = ret + 1;
            }
        }

        // Apply in linearization order to fill in each answer.
        var state = KvState.Initial;
        var result = new List<KvOperation>(planned.Count);
        foreach (var (_, op, applies) in planned.OrderBy(p => p.Lin))
        {
            if (!applies)
            {
                result.Add(op);
                continue;
            }

            var answered = Answer(state, op);
            if (!KvModel.Step(state, answered, out state)) throw new InvalidOperationException($"generator produced an illegal step: {answered}");
            result.Add(answered);
        }

        final = state;
        return result;
    }

    private static KvOperation Answer(KvState state, KvOperation op) => op.Kind switch
    {
        KvOpKind.Get => op with { Found = state.Exists, ReadValue = state.Value, ReadVersion = state.Version },
        KvOpKind.Cas => op with { Found = state.Exists && state.Version == op.ExpectedVersion },
        KvOpKind.PutIfAbsent => op with { Found = !state.Exists },
        _ => op,
    };

    /// <summary>Version each applied write produced, by value (values are unique).</summary>
    public static Dictionary<string, long> WrittenVersions(IReadOnlyList<KvOperation> ops)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var read in ops.Where(o => o.Kind == KvOpKind.Get && o.Outcome == KvOutcome.Ok && o.Found))
            versions[read.ReadValue!] = read.ReadVersion;
        return versions;
    }
}
