// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RaftCache.Node.Hosting;
using RaftCache.Node.Transport;
using RaftCache.StateMachine;
using RaftCache.Storage;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// Production hosts of one group over in-memory disks and the in-memory peer network, stepped by the test: one fake
/// clock, and each host's background snapshot work held in a list the test runs when it chooses.
/// </summary>
internal sealed class SnapshotHosts : IAsyncDisposable
{
    public const ulong Group = 1;

    private readonly InMemoryPeerNetwork _network = new();
    private readonly List<Member> _members = [];

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch);

    public IReadOnlyList<Member> Members => _members;

    public sealed class Member
    {
        public required RaftHost Host { get; init; }

        public required MemoryWal Wal { get; init; }

        public required CacheGroupStateMachine State { get; init; }

        public required List<Action> BackgroundWork { get; init; }

        public bool HoldBackgroundWork { get; set; }

        public bool Started { get; set; }

        internal GroupReplica Replica => Host.TryGetReplica(Group) ?? throw new InvalidOperationException($"node {Host.NodeId} has no replica");

        /// <summary>Snapshot files of the group on this node's disk.</summary>
        public IReadOnlyList<string> SnapshotFiles => Wal.Disk.ListFiles("snap").Where(n => n.EndsWith(".snap", StringComparison.Ordinal)).ToList();

        public void RunBackgroundWork(int index)
        {
            var work = BackgroundWork[index];
            BackgroundWork.RemoveAt(index);
            work();
        }
    }

    /// <summary>Creates a member of the group with voters 1, 2, 3; it exchanges messages only once started.</summary>
    public Member Add(ulong id, HostOptions? options = null, IHostObserver? observer = null)
    {
        var transport = _network.CreateTransport(id, $"n{id}");
        foreach (var peer in new ulong[] { 1, 2, 3 }.Where(p => p != id)) transport.SetPeer(peer, $"n{peer}");
        var wal = new MemoryWal();
        var work = new List<Action>();
        var host = new RaftHost((options ?? new HostOptions { NodeId = id }) with { NodeId = id, RandomSeed = id }, wal, transport, Time, NullLogger.Instance)
        {
            SnapshotExecutor = work.Add,
            // The WAL sync runs inline; its completion reaches the loop through its inbox, at the next round.
            SyncExecutor = sync => sync(),
            Observer = observer,
        };
        var state = new CacheGroupStateMachine(new StateMachineOptions());
        var member = new Member { Host = host, Wal = wal, State = state, BackgroundWork = work };
        host.BootstrapGroup(Group, [1, 2, 3], state);
        _members.Add(member);
        return member;
    }

    public async Task StartAsync(Member member)
    {
        await member.Host.StartSteppedAsync(CancellationToken.None);
        member.Started = true;
    }

    /// <summary>
    /// Steps every started host until <paramref name="done"/> holds: queued work first, the clock one tick further
    /// only when no host has any (never, with <paramref name="holdClock"/>: a lease earned stays valid and no tick
    /// sends a heartbeat of its own). With <paramref name="only"/>, that host alone is stepped: the others run nothing
    /// but what arrives on their network delivery. Fails after a bounded number of rounds.
    /// </summary>
    public async Task DriveUntilAsync(Func<bool> done, string what, int maxRounds = 20_000, bool holdClock = false, Member? only = null)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            if (done()) return;
            var busy = false;
            foreach (var m in _members.Where(m => m.Started && (only is null || m == only)))
            {
                while (!m.HoldBackgroundWork && m.BackgroundWork.Count > 0) m.RunBackgroundWork(0);
                busy |= m.Host.RunOnce() > 0;
            }
            if (busy) continue;
            if (!holdClock) Time.Advance(TimeSpan.FromMilliseconds(100));
            // Peer frames arrive on the in-memory network's delivery tasks.
            await Task.Delay(1);
        }
        Assert.Fail($"not reached within {maxRounds} rounds: {what}");
    }

    public Member Leader => _members.Single(m => m.Started && m.Replica.Role == Raft.RaftRole.Leader);

    /// <summary>Proposes puts of key-i = value-i (1 KiB) at the leader and steps until all are applied.</summary>
    public async Task PutAsync(int from, int count)
    {
        await DriveUntilAsync(() => _members.Count(m => m.Started && m.Replica.Role == Raft.RaftRole.Leader) == 1, "a leader");
        var leader = Leader;
        var proposals = Enumerable.Range(from, count)
            .Select(i => leader.Host.ProposeAsync(Group, CommandCodec.EncodePut(Key(i), Value(i), "text/plain"u8, 0), CancellationToken.None))
            .ToList();
        await DriveUntilAsync(() => proposals.All(p => p.IsCompleted), "the puts applied");
        Assert.All(proposals, p => Assert.Equal(ProposalStatus.Applied, p.Result.Status));
    }

    public static byte[] Key(int i) => System.Text.Encoding.UTF8.GetBytes($"key-{i}");

    public static byte[] Value(int i) => Enumerable.Repeat((byte)('a' + (i % 26)), 1024).ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _members)
        {
            try
            {
                await m.Host.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // Frames still in flight reached a host whose inbox had closed: nothing is left to check then.
            }
        }
    }
}
