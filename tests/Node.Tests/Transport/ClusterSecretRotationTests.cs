// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using RaftCache.Node.Transport;
using RaftCache.Raft;
using static RaftCache.Node.Tests.Transport.TcpPeerTransportTests;

namespace RaftCache.Node.Tests.Transport;

/// <summary>
/// Rotating the cluster secret member by member (docs/security.md): at every step of the procedure, with members on
/// either side of the step, both directions of a pair authenticate and exchange sealed frames; without the procedure
/// (old secret only against new secret only) they do not.
/// </summary>
public sealed class ClusterSecretRotationTests
{
    private static readonly PeerCredentials Old = PeerCredentials.FromSecret("the old cluster secret, retiring");
    private static readonly PeerCredentials New = PeerCredentials.FromSecret("the new cluster secret, arriving");

    /// <summary>What a node's secret file holds at each step: the first line proves, the others are accepted too.</summary>
    private static readonly PeerCredentials[] Steps =
    [
        Old,                             // before: old
        Old.AcceptingAlso([New]),        // step 1: old, new
        New.AcceptingAlso([Old]),        // step 2: new, old
        New,                             // step 3: new
    ];

    public static TheoryData<int> Transitions => new() { 0, 1, 2 };

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task Members_one_step_apart_reach_each_other_both_ways(int step)
    {
        Assert.True(await ConnectBothWaysAsync(Steps[step], Steps[step + 1]));
    }

    [Fact]
    public async Task Skipping_the_procedure_cuts_the_members_apart()
    {
        Assert.False(await ConnectBothWaysAsync(Old, New, within: TimeSpan.FromSeconds(2)));
    }

    private static async Task<bool> ConnectBothWaysAsync(PeerCredentials first, PeerCredentials second, TimeSpan? within = null)
    {
        var (sinkOne, sinkTwo) = (new CollectingSink(), new CollectingSink());
        await using var one = new TcpPeerTransport(1, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), new PeerLimits(), first, NullLogger.Instance);
        await using var two = new TcpPeerTransport(2, ClusterId, new IPEndPoint(IPAddress.Loopback, 0), new PeerLimits(), second, NullLogger.Instance);
        await one.StartAsync(sinkOne, CancellationToken.None);
        await two.StartAsync(sinkTwo, CancellationToken.None);
        one.SetPeer(2, two.LocalEndPoint.ToString());
        two.SetPeer(1, one.LocalEndPoint.ToString());
        one.Send(2, [new GroupMessage(1, new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 1, Commit = 5 })]);
        two.Send(1, [new GroupMessage(1, new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 1, Commit = 6 })]);
        try
        {
            var timeout = within ?? TimeSpan.FromSeconds(10);
            return (await sinkTwo.NextAsync(timeout)).Message.Message.Commit == 5 && (await sinkOne.NextAsync(timeout)).Message.Message.Commit == 6;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
