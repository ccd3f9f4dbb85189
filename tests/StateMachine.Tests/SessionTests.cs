// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.StateMachine.Tests;

public sealed class SessionTests
{
    private const long Timeout = 60_000;

    [Fact]
    public void A_retried_write_returns_the_original_result_and_is_not_applied_twice()
    {
        var machine = NewMachine();
        var first = Put("k", "v1", client: 1, sequence: 1, timestampMs: 1_000);
        var original = machine.Apply(1, first);
        machine.Apply(2, Put("k", "v2", client: 2, sequence: 1, timestampMs: 1_100));

        // The first write comes back (e.g. re-forwarded by a node that did not see it commit).
        var retry = machine.Apply(3, first);

        Assert.Equal(original with { IsDuplicate = true }, retry);
        Assert.Equal(1UL, retry.Version);
        Assert.True(machine.TryGet("k"u8, 1_200, out var entry));
        Assert.Equal(("v2", 2UL), (System.Text.Encoding.UTF8.GetString(entry.Value.Span), entry.Version));
        Assert.Equal(3UL, machine.AppliedIndex);
    }

    [Fact]
    public void A_retried_conditional_write_returns_its_original_precondition_failure()
    {
        var machine = NewMachine();
        machine.Apply(1, CommandCodec.EncodePut("k"u8, "v"u8, default, 1_000));
        var conditional = CommandCodec.EncodePut("k"u8, "w"u8, default, 1_000, condition: WriteCondition.IfAbsent, session: new ClientSession(1, 1, 1));

        var original = machine.Apply(2, conditional);
        machine.Apply(3, CommandCodec.EncodeDelete("k"u8, 1_000));
        var retry = machine.Apply(4, conditional);

        Assert.Equal(new ApplyResult(ApplyStatus.PreconditionFailed, 1, 0), original);
        Assert.Equal(original with { IsDuplicate = true }, retry);
        Assert.False(machine.TryGet("k"u8, 1_000, out _));
    }

    [Fact]
    public void Results_below_the_acknowledged_floor_are_discarded_and_their_retries_change_nothing()
    {
        var machine = NewMachine();
        var first = Put("a", "1", client: 1, sequence: 1, timestampMs: 1_000);
        machine.Apply(1, first);
        machine.Apply(2, Put("b", "2", client: 1, sequence: 2, timestampMs: 1_000, firstUnacknowledged: 2));
        var hash = machine.ComputeStateHash();

        var late = machine.Apply(3, first);

        Assert.Equal(new ApplyResult(ApplyStatus.SessionResultDiscarded, 0, 0, IsDuplicate: true), late);
        var twin = NewMachine();
        twin.Apply(1, first);
        twin.Apply(2, Put("b", "2", client: 1, sequence: 2, timestampMs: 1_000, firstUnacknowledged: 2));
        twin.ApplyNoOp(3);
        Assert.Equal(twin.ComputeStateHash(), machine.ComputeStateHash());
        Assert.NotEqual(hash, machine.ComputeStateHash());
    }

    [Fact]
    public void Idle_sessions_expire_at_a_sweep_identically_on_every_replica_and_a_later_retry_applies_anew()
    {
        var replicas = new[] { NewMachine(hashSeed: 1), NewMachine(hashSeed: 2) };
        var write = Put("k", "v", client: 7, sequence: 1, timestampMs: 1_000);
        var log = new List<byte[]>
        {
            write,
            Put("x", "y", client: 8, sequence: 1, timestampMs: 30_000),
            CommandCodec.EncodeExpirySweep(1_000 + Timeout - 1, upToMs: 0),   // client 7 idle for just under the timeout
            CommandCodec.EncodeExpirySweep(1_000 + Timeout, upToMs: 0),       // now exactly the timeout: dropped
            write,
        };

        var results = replicas.Select(r => log.Select((c, i) => r.Apply((ulong)i + 1, c)).ToList()).ToList();

        Assert.Equal(results[0], results[1]);
        Assert.Equal(replicas[0].ComputeStateHash(), replicas[1].ComputeStateHash());
        Assert.Equal(new ApplyResult(ApplyStatus.Applied, 5, 0), results[0][4]);
        Assert.Equal(2, replicas[0].SessionCount);
    }

    [Fact]
    public void The_session_table_is_bounded_by_dropping_the_least_recently_active_client()
    {
        var machine = new CacheStateMachine(new StateMachineOptions { MaxSessions = 2, SessionTimeoutMs = Timeout });
        var oldest = Put("a", "1", client: 1, sequence: 1, timestampMs: 1_000);
        machine.Apply(1, oldest);
        machine.Apply(2, Put("b", "1", client: 2, sequence: 1, timestampMs: 2_000));
        machine.Apply(3, Put("c", "1", client: 3, sequence: 1, timestampMs: 3_000));

        Assert.Equal(2, machine.SessionCount);
        Assert.False(machine.Apply(4, oldest).IsDuplicate);
        Assert.True(machine.Apply(5, Put("c", "1", client: 3, sequence: 1, timestampMs: 3_000)).IsDuplicate);
    }

    private static CacheStateMachine NewMachine(ulong hashSeed = 0) =>
        new(new StateMachineOptions { SessionTimeoutMs = Timeout, HashSeed = hashSeed });

    private static byte[] Put(string key, string value, ulong client, ulong sequence, long timestampMs, ulong? firstUnacknowledged = null) =>
        CommandCodec.EncodePut(
            System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(value), "application/json"u8, timestampMs,
            session: new ClientSession(client, sequence, firstUnacknowledged ?? sequence));
}
