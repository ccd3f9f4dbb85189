// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Requests;
using RaftCache.Node.Transport;
using RaftCache.StateMachine;

namespace RaftCache.Node.Tests.Requests;

/// <summary>Two members' forwarders wired back to back in memory: what a requester gets for each way a forward can end.</summary>
public sealed class PeerForwarderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_forwarded_write_is_served_by_the_peer_and_answered_with_its_result()
    {
        var pair = new Pair();
        pair.Serving.Write = (shard, command) => WriteOutcome.Applied(new ApplyResult(ApplyStatus.Applied, (ulong)shard * 100 + command[0], 0));

        var outcome = await pair.Asking.WriteAsync(2, 7, [5], Deadline());

        Assert.Equal(WriteFate.Applied, outcome.Fate);
        Assert.Equal(705UL, outcome.Result.Version);
        Assert.True(outcome.Forwarded);
        Assert.Equal(0, pair.Asking.Outstanding);
    }

    [Fact]
    public async Task A_peer_that_does_not_lead_answers_route_again_with_its_leader()
    {
        var pair = new Pair();
        pair.Serving.Write = (_, _) => WriteOutcome.RouteAgain("not the leader", leaderHint: 3);
        pair.Serving.Read = (_, _) => ReadOutcome.RouteAgain("no replica", leaderHint: 3);

        var write = await pair.Asking.WriteAsync(2, 1, [1], Deadline());
        var read = await pair.Asking.ReadAsync(2, 1, [1], ReadConsistency.Linearizable, Deadline());

        Assert.Equal((WriteFate.RouteAgain, 3UL, false), (write.Fate, write.LeaderHint, write.Uncertain));
        Assert.Equal((ReadFate.RouteAgain, 3UL), (read.Fate, read.LeaderHint));
    }

    [Fact]
    public async Task A_frame_that_was_not_queued_is_route_again_and_certainly_not_applied()
    {
        var pair = new Pair { Refuse = true };

        var outcome = await pair.Asking.WriteAsync(2, 1, [1], Deadline());

        Assert.Equal(WriteFate.RouteAgain, outcome.Fate);
        Assert.False(outcome.Uncertain);
        Assert.Equal(0, pair.Serving.Calls);
    }

    [Fact]
    public async Task A_connection_lost_after_sending_leaves_the_write_uncertain()
    {
        var pair = new Pair();
        var release = new TaskCompletionSource();
        pair.Serving.WriteAsync = async (_, _) =>
        {
            await release.Task;
            return WriteOutcome.Applied(default);
        };

        var pending = pair.Asking.WriteAsync(2, 1, [1], Deadline());
        await WaitUntil(() => pair.Serving.Calls == 1);
        pair.Asking.OnConnectionLost(3); // another peer: nothing changes
        Assert.False(pending.IsCompleted);
        pair.Asking.OnConnectionLost(2);
        var outcome = await pending;
        release.SetResult();

        Assert.Equal(WriteFate.RouteAgain, outcome.Fate);
        Assert.True(outcome.Uncertain);
    }

    [Fact]
    public async Task A_reply_from_a_member_that_was_not_asked_is_ignored()
    {
        var pair = new Pair();
        var release = new TaskCompletionSource();
        pair.Serving.WriteAsync = async (_, _) =>
        {
            await release.Task;
            return WriteOutcome.Applied(new ApplyResult(ApplyStatus.Applied, 1, 0));
        };
        var pending = pair.Asking.WriteAsync(2, 1, [1], Deadline());
        await WaitUntil(() => pair.Serving.Calls == 1);
        var id = pair.LastRequestId;

        pair.Asking.OnFrame(3, PeerFrameKind.ForwardReply, ForwardCodec.EncodeWriteReply(id, WriteOutcome.NotApplied("forged")).Span);
        Assert.False(pending.IsCompleted);
        release.SetResult();

        Assert.Equal(WriteFate.Applied, (await pending).Fate);
    }

    [Fact]
    public async Task No_answer_before_the_deadline_ends_the_wait()
    {
        var pair = new Pair();
        pair.Serving.WriteAsync = (_, _) => new TaskCompletionSource<WriteOutcome>().Task; // never answers
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.Asking.WriteAsync(2, 1, [1], deadline.Token));
        Assert.Equal(0, pair.Asking.Outstanding);
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(Timeout).Token;

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    /// <summary>Node 1 asks, node 2 serves; frames go straight across (as the transport would deliver them).</summary>
    private sealed class Pair
    {
        public Pair()
        {
            var deadline = new SharedDeadline(TimeProvider.System, Timeout, TimeSpan.FromMilliseconds(50));
            Asking = new PeerForwarder((to, kind, payload) => Deliver(1, to, kind, payload), new FakeShards(), deadline, NullLogger.Instance);
            ServingForwarder = new PeerForwarder((to, kind, payload) => Deliver(2, to, kind, payload), Serving, deadline, NullLogger.Instance);
        }

        public PeerForwarder Asking { get; }

        public PeerForwarder ServingForwarder { get; }

        public FakeShards Serving { get; } = new();

        public bool Refuse { get; init; }

        public ulong LastRequestId { get; private set; }

        private bool Deliver(ulong from, ulong to, PeerFrameKind kind, ReadOnlySpan<byte> payload)
        {
            if (Refuse) return false;
            if (kind == PeerFrameKind.Forward) LastRequestId = ForwardCodec.DecodeRequest(payload).RequestId;
            (to == 2 ? ServingForwarder : Asking).OnFrame(from, kind, payload);
            return true;
        }
    }

    private sealed class FakeShards : ILocalShards
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Func<int, byte[], WriteOutcome> Write { get; set; } = (_, _) => WriteOutcome.NotApplied("unset");

        public Func<int, byte[], Task<WriteOutcome>>? WriteAsync { get; set; }

        public Func<int, byte[], ReadOutcome> Read { get; set; } = (_, _) => ReadOutcome.NotFound;

        public Task<WriteOutcome> WriteHereAsync(int shard, byte[] command, CancellationToken deadline)
        {
            Interlocked.Increment(ref _calls);
            return WriteAsync?.Invoke(shard, command) ?? Task.FromResult(Write(shard, command));
        }

        public Task<ReadOutcome> ReadHereAsync(int shard, byte[] key, ReadConsistency consistency, CancellationToken deadline, bool continueInline = false)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(Read(shard, key));
        }
    }
}
