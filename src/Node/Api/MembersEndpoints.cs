// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using RaftCache.Node.Requests;
using RaftCache.Node.Hosting;
using RaftCache.Node.Metadata;

namespace RaftCache.Node.Api;

/// <summary>
/// Growing and shrinking the cluster (API.md admin section). Adding: the metadata leader asks the empty node
/// (started with --join) for its peer address, records it as a joining member, and tells it its id and the
/// members; the placement controller does the rest. Removing: the member is drained, then removed. Both run at
/// the metadata leader: any node forwards there, like a write to a shard goes to the shard's leader.
/// </summary>
public static class MembersEndpoints
{
    /// <summary>HTTP client name for calls to a joining node.</summary>
    public const string JoinClient = "join";

    public static void MapMembers(this RouteGroupBuilder admin)
    {
        admin.MapPost("/members", AddAsync).WithName("AddMember").WithDocs(MemberDocs.Add);
        admin.MapGet("/members/{id}", Get).WithName("GetMember").WithDocs(MemberDocs.Get);
        admin.MapDelete("/members/{id}", RemoveAsync).WithName("RemoveMember").WithDocs(MemberDocs.Remove);
        admin.MapGet("/join", (CacheNode node) => TypedResults.Ok(JoinInfoView.Of(node.DescribeForJoin()))).WithName("JoinInfo").WithDocs(MemberDocs.JoinInfo);
        admin.MapPost("/join", AcceptAsync).WithName("AcceptJoin").WithDocs(MemberDocs.Accept);
    }

    private static Task<IResult> AddAsync(AddMemberRequest request, HttpContext http, CacheNode node, RequestDispatcher dispatcher, IHttpClientFactory clients)
    {
        if (request.Address is null || !Uri.TryCreate(request.Address, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            return Task.FromResult(Problems.BadRequest("\"address\" must be the REST URL of a node started with --join, e.g. http://127.0.0.1:5004."));
        if (request.Id == 0) return Task.FromResult(Problems.BadRequest("\"id\" must be a positive integer."));
        if (!node.IsMember) return Task.FromResult(NotAMember());
        return dispatcher.DispatchAsync(http, (int)CacheNode.MetadataGroup, isWrite: true, ReadConsistency.Linearizable, async (session, _, ct) =>
        {
            var client = clients.CreateClient(JoinClient);
            JoinInfoView? info;
            try
            {
                using var ask = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/admin/join"));
                // The new node authorises the caller itself (it is started with the cluster's keys).
                LeaderForwarder.CopyCredentials(http.Request, ask);
                using var answer = await client.SendAsync(ask, ct);
                answer.EnsureSuccessStatusCode();
                info = await answer.Content.ReadFromJsonAsync<JoinInfoView>(ct);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException)
            {
                return Problems.Problem(502, "New node unreachable", "join-unreachable", $"Could not ask {address} about joining: {e.Message}");
            }
            if (info is null) return Problems.Problem(502, "New node unreachable", "join-unreachable", $"{address} did not describe itself.");
            var record = node.Cluster;
            if (info.State == "member" && (info.ClusterId != ClusterRecord.FormatId(record.ClusterId) || !record.Members.ContainsKey(info.NodeId)))
                return Problems.Problem(409, "Already a member elsewhere", "already-member", $"{address} is member {info.NodeId} of cluster {info.ClusterId}; wipe its data folder to add it here.");

            // The request's session makes a re-proposal (after a timeout or a leader change) apply at most once.
            var outcome = await node.ProposeMetadataAsync(new AddMemberCommand(info.PeerAddress, address.ToString().TrimEnd('/'), request.Id ?? info.NodeId) { Session = session }, ct);
            if (outcome.Status == ProposalStatus.NotApplied) return RouteAgain.Here; // leadership moved
            if (outcome.Result.Member is not { } added) return Problems.Unavailable("The membership change may or may not have been recorded; retrying is safe.", mayHaveApplied: true);
            if (added.Error is { } error) return Problems.Problem(409, "Member refused", "member-refused", error);

            var offer = new JoinOffer(node.Cluster.ClusterId, added.Id, node.MemberPeers());
            try
            {
                using var accept = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/admin/join")) { Content = JsonContent.Create(JoinOfferView.Of(offer)) };
                LeaderForwarder.CopyCredentials(http.Request, accept);
                using var accepted = await client.SendAsync(accept, ct);
                if (!accepted.IsSuccessStatusCode)
                {
                    return Problems.Problem(502, "New node refused", "join-refused",
                        $"Member {added.Id} is recorded as joining, but {address} answered {(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync(ct)}");
                }
            }
            catch (HttpRequestException e)
            {
                return Problems.Problem(502, "New node unreachable", "join-unreachable", $"Member {added.Id} is recorded as joining, but {address} could not be told: {e.Message}. Retrying the request is safe.");
            }
            var status = MemberStatus(node, added.Id);
            return status is null ? Problems.Unavailable("The member was added; its status is not visible here yet.", mayHaveApplied: true) : TypedResults.Accepted(status.StatusLink, status);
        }, JsonSerializer.SerializeToUtf8Bytes(request));
    }

    private static IResult Get(string id, CacheNode node)
    {
        if (!ulong.TryParse(id, out var member) || member == 0) return Problems.BadRequest("A member id is a positive integer.");
        if (node.Cluster.RemovedIds.Contains(member))
            return TypedResults.Ok(new MemberStatusView(member, null, null, "removed", null, [], [], [], [], $"/admin/members/{member}"));
        return MemberStatus(node, member) is { } status ? TypedResults.Ok(status) : NoSuchMember(member);
    }

    private static Task<IResult> RemoveAsync(string id, HttpContext http, CacheNode node, RequestDispatcher dispatcher)
    {
        if (!ulong.TryParse(id, out var member) || member == 0) return Task.FromResult(Problems.BadRequest("A member id is a positive integer."));
        if (!node.IsMember) return Task.FromResult(NotAMember());
        return dispatcher.DispatchAsync(http, (int)CacheNode.MetadataGroup, isWrite: true, ReadConsistency.Linearizable, async (session, _, ct) =>
        {
            var record = node.Cluster;
            if (!record.Members.TryGetValue(member, out var info)) return NoSuchMember(member);
            if (info.State != MemberState.Leaving && node.RefuseRemoval(member) is { } reason)
                return Problems.Problem(409, "Removal refused", "removal-refused", reason);
            if (info.State != MemberState.Leaving)
            {
                var outcome = await node.ProposeMetadataAsync(new DrainMemberCommand(member) { Session = session }, ct);
                if (outcome.Status == ProposalStatus.NotApplied) return RouteAgain.Here;
            }
            var status = MemberStatus(node, member);
            return status is null ? NoSuchMember(member) : TypedResults.Accepted(status.StatusLink, status);
        });
    }

    private static async Task<IResult> AcceptAsync(JoinOfferView offer, CacheNode node, CancellationToken cancellationToken)
    {
        if (offer.Members is null || !ClusterRecord.TryParseId(offer.ClusterId, out var clusterId))
            return Problems.BadRequest("The offer needs cluster_id (hex), node_id and members.");
        var (accepted, error) = await node.AcceptJoinAsync(new JoinOffer(clusterId, offer.NodeId, offer.Members.Select(m => new Configuration.InitialMember(m.Id, m.PeerAddress)).ToArray()), cancellationToken);
        return accepted ? TypedResults.Ok(JoinInfoView.Of(node.DescribeForJoin())) : Problems.Problem(409, "Not accepted", "join-refused", error!);
    }

    internal static MemberStatusView? MemberStatus(CacheNode node, ulong member)
    {
        var record = node.Cluster;
        if (!record.Members.TryGetValue(member, out var info)) return null;
        node.LastHeard.TryGetValue(member, out var heard);
        var moves = record.Targets
            .Where(t => t.Value.Contains(member) != record.Placement.GetValueOrDefault(t.Key).Contains(member))
            .Select(t => new MoveView(t.Key, record.Placement.GetValueOrDefault(t.Key, []), t.Value)).ToArray();
        return new MemberStatusView(
            member, info.RestUrl, info.PeerAddress, StateOf(node, info),
            member == node.NodeId ? DateTimeOffset.UtcNow : heard == default ? null : heard,
            record.Placement.Where(p => p.Value.Contains(member)).Select(p => p.Key).ToArray(),
            record.PreferredLeaders.Where(p => p.Value == member).Select(p => p.Key).ToArray(),
            moves,
            node.LearnersLedHere().Where(l => l.Member == member).ToArray(),
            $"/admin/members/{member}");
    }

    /// <summary>joining / active / leaving as the metadata group records it, or down when the metadata leader has not heard from it for the down time.</summary>
    internal static string StateOf(CacheNode node, MemberInfo member) =>
        node.SeemsDown(member.Id) ? "down" : member.State.ToString().ToLowerInvariant();

    private static IResult NoSuchMember(ulong member) => Problems.Problem(404, "No such member", "no-such-member", $"There is no member {member}.");

    private static IResult NotAMember() => Problems.Problem(409, "Not a member", "not-a-member", "This node is waiting to be added to a cluster; send membership changes to a member.");
}

/// <summary>JSON shape of <see cref="JoinInfo"/> (cluster id in hex, as /admin/cluster shows it).</summary>
public sealed record JoinInfoView(
    [property: System.Text.Json.Serialization.JsonPropertyName("state")] string State,
    [property: System.Text.Json.Serialization.JsonPropertyName("node_id")] ulong NodeId,
    [property: System.Text.Json.Serialization.JsonPropertyName("cluster_id")] string ClusterId,
    [property: System.Text.Json.Serialization.JsonPropertyName("peer_address")] string PeerAddress,
    [property: System.Text.Json.Serialization.JsonPropertyName("address")] string RestUrl)
{
    public static JoinInfoView Of(JoinInfo info) =>
        new(info.State, info.NodeId, ClusterRecord.FormatId(info.ClusterId), info.PeerAddress, info.RestUrl);
}

/// <summary>JSON shape of <see cref="JoinOffer"/>.</summary>
public sealed record JoinOfferView(
    [property: System.Text.Json.Serialization.JsonPropertyName("cluster_id")] string ClusterId,
    [property: System.Text.Json.Serialization.JsonPropertyName("node_id")] ulong NodeId,
    [property: System.Text.Json.Serialization.JsonPropertyName("members")] IReadOnlyList<JoinPeerView>? Members)
{
    public static JoinOfferView Of(JoinOffer offer) => new(
        ClusterRecord.FormatId(offer.ClusterId),
        offer.NodeId,
        offer.Members.Select(m => new JoinPeerView(m.Id, m.PeerAddress)).ToArray());
}

public sealed record JoinPeerView(
    [property: System.Text.Json.Serialization.JsonPropertyName("id")] ulong Id,
    [property: System.Text.Json.Serialization.JsonPropertyName("peer_address")] string PeerAddress);
