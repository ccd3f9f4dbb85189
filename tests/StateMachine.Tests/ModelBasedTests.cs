// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace RaftCache.StateMachine.Tests;

/// <summary>
/// Random command sequences (FsCheck) applied to the state machine and to <see cref="ReferenceModel"/>: every result,
/// count, byte total and read (at a random "now") must agree, with a memory limit small enough that eviction,
/// refusals, sweeps, retries and session expiry all happen in most runs. At random points the machine is replaced
/// by one restored from its own snapshot, so everything a snapshot must carry is checked against the model too.
/// </summary>
public sealed class ModelBasedTests
{
    private const long InitialLimit = 3_000;

    [Fact]
    public void Random_command_sequences_give_the_same_results_and_reads_as_the_reference_model()
    {
        var property = Prop.ForAll(Arb.From(ScenarioDriver.Steps(150)), steps => RunAgainstModel(steps, hashSeed: 7));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public void Seeded_command_sequences_agree_with_the_reference_model_under_a_second_hash_seed()
    {
        for (var seed = 100; seed < 130; seed++)
        {
            RunAgainstModel(ScenarioDriver.SeededSteps(seed, 200), hashSeed: (ulong)seed * 0x9E3779B97F4A7C15UL);
        }
    }

    [Fact]
    public void The_reference_model_run_exercises_eviction_refusal_conflicts_duplicates_and_sweeps()
    {
        // Guards the test above against a generator that silently stops producing the interesting cases.
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 30; seed++)
        {
            var steps = ScenarioDriver.SeededSteps(seed, 150);
            var machine = new CacheStateMachine(ScenarioDriver.Options(InitialLimit, 1));
            var driver = new ScenarioDriver();
            ulong index = 0;
            foreach (var step in steps)
            {
                var command = driver.Next(step, key => Version(machine, key, driver.ClockMs));
                var result = machine.Apply(++index, command.Encode());
                seen.Add(result.Status.ToString());
                if (result.IsDuplicate)
                {
                    seen.Add("duplicate");
                }

                if (command.Kind == CommandKind.Put && result.Count > 0)
                {
                    seen.Add("evicted");
                }

                if (command.Kind == CommandKind.ExpirySweep && result.Count > 0)
                {
                    seen.Add("swept");
                }
            }
        }

        Assert.Superset(
            new HashSet<string> { "Applied", "PreconditionFailed", "RefusedMemoryLimit", "SessionResultDiscarded", "duplicate", "evicted", "swept" },
            seen);
    }

    internal static ulong Version(CacheStateMachine machine, string key, long nowMs) =>
        machine.TryGet(Encoding.UTF8.GetBytes(key), nowMs, out var entry) ? entry.Version : 0;

    private static bool RunAgainstModel(Step[] steps, ulong hashSeed)
    {
        var machine = new CacheStateMachine(ScenarioDriver.Options(InitialLimit, hashSeed));
        var model = new ReferenceModel(InitialLimit, ScenarioDriver.SessionTimeoutMs, ScenarioDriver.MaxResultsPerSession);
        var driver = new ScenarioDriver();
        ulong index = 0;
        foreach (var step in steps)
        {
            var command = driver.Next(step, key => Version(machine, key, driver.ClockMs));
            index++;
            var expected = model.Apply(index, command);
            var actual = machine.Apply(index, command.Encode());
            Assert.True(expected == actual, $"step {index} {command}: model {expected}, machine {actual}");
            Compare.ReadsMatchModel(machine, model, driver.ClockMs + step.ReadAt);
            if (step.ReadAt % 13 == 0)
            {
                // Now and then the run continues on a replica restored from a snapshot (with another hash seed).
                var restored = Replay.Restored(Replay.Snapshot(machine), hashSeed: (ulong)index);
                Assert.Equal(machine.ComputeStateHash(), restored.ComputeStateHash());
                machine = restored;
            }
        }

        var now = driver.ClockMs;
        var modelKeys = model.VisibleKeysInByteOrder(now).ToList();
        var machineKeys = Compare.AllKeys(machine, now).Select(k => Encoding.UTF8.GetString(k)).ToList();
        Assert.Equal(modelKeys, machineKeys);
        return true;
    }
}
