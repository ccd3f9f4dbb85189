// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Hosting;
using RaftCache.Raft;
using RaftCache.StateMachine;

namespace RaftCache.Node.Tests.Hosting;

/// <summary>
/// A forwarded write's reply continues on the host loop (<c>continueOnLoop</c>), without a thread-pool hop: its
/// continuation has run, on the thread stepping the host, by the time the iteration that applied the entry returns.
/// </summary>
public sealed class ProposalContinuationTests
{
    [Fact]
    public async Task A_proposal_that_continues_on_the_loop_is_answered_inside_the_iteration_that_applies_it()
    {
        await using var hosts = new SnapshotHosts();
        foreach (var id in new ulong[] { 1, 2, 3 }) await hosts.StartAsync(hosts.Add(id));
        await hosts.DriveUntilAsync(() => hosts.Members.Count(m => m.Replica.Role == RaftRole.Leader) == 1, "a leader");

        int? continuedOn = null;
        var command = CommandCodec.EncodePut(SnapshotHosts.Key(1), SnapshotHosts.Value(1), "text/plain"u8, 0);
        var proposal = hosts.Leader.Host.ProposeAsync(SnapshotHosts.Group, command, CancellationToken.None, continueOnLoop: true);
        _ = proposal.ContinueWith(_ => continuedOn = Environment.CurrentManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);

        for (var round = 0; round < 20_000; round++)
        {
            var busy = false;
            foreach (var member in hosts.Members)
            {
                var stepping = Environment.CurrentManagedThreadId;
                busy |= member.Host.RunOnce() > 0;
                if (!proposal.IsCompleted) continue;
                Assert.Equal(stepping, continuedOn);
                Assert.Equal(ProposalStatus.Applied, (await proposal).Status);
                return;
            }
            if (busy) continue;
            hosts.Time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1); // peer frames arrive on the in-memory network's delivery tasks
        }
        Assert.Fail("the put was not applied within 20,000 rounds");
    }
}
