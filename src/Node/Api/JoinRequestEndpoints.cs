// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using RaftCache.Node.Configuration;
using RaftCache.Node.Hosting;
using RaftCache.Node.Membership;
using RaftCache.Node.Metadata;
using RaftCache.Node.Requests;
using RaftCache.Node.Security;

namespace RaftCache.Node.Api;

/// <summary>
/// Self-admission with a join token (docs/operations.md): an empty node started with <c>--join</c> and a token
/// asks a member to admit it; the metadata leader records it as a joining member and answers with the offer the
/// node then accepts itself, so growing a cluster needs no operator call. The token is the only credential: a
/// wrong, expired or spent one is answered 401 and counted as a failed attempt of the caller's address, exactly
/// like a wrong API key. <c>POST /admin/join-tokens</c> mints tokens for admins of a running cluster.
/// </summary>
public static class JoinRequestEndpoints
{
    public static void MapJoinRequests(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/join-requests", RequestAsync).WithTags("Admin").AllowAnonymous().WithName("RequestJoin").WithDocs(JoinDocs.Request);
        app.MapPost("/admin/join-tokens", Mint).WithTags("Admin").RequireAuthorization(Roles.Policies.Admin).WithName("MintJoinToken").WithDocs(JoinDocs.Mint);
    }

    private static IResult Mint(MintJoinTokenRequest request, IOptions<NodeOptions> options, TimeProvider time)
    {
        var secrets = PeerSecret.SecretsOf(options.Value);
        if (secrets.Length == 0) return Problems.Problem(409, "No cluster secret", "no-cluster-secret", "Join tokens are signed with the cluster secret; this node runs without one.");
        var ttl = request.TtlSeconds ?? 86_400;
        var uses = request.Uses ?? 1;
        if (ttl < 1 || ttl > JoinToken.MaxLifetime.TotalSeconds) return Problems.BadRequest($"\"ttl_seconds\" must be 1..{(long)JoinToken.MaxLifetime.TotalSeconds}.");
        if (uses is < 1 or > JoinToken.MaxUses) return Problems.BadRequest($"\"uses\" must be 1..{JoinToken.MaxUses}.");
        var token = JoinToken.Mint(secrets[0], TimeSpan.FromSeconds(ttl), uses, time);
        var parsed = JoinToken.Verify(token, secrets, time).Token!;
        return TypedResults.Ok(new MintJoinTokenResponse(token, parsed.Expires, parsed.Uses));
    }

    private static async Task<IResult> RequestAsync(HttpContext http, CacheNode node, RequestDispatcher dispatcher, AuthFailureLimiter limiter, IOptions<NodeOptions> options, TimeProvider time)
    {
        var address = http.Connection.RemoteIpAddress;
        if (limiter.IsBlocked(address, out var retryAfter)) return AuthResponses.TooManyAttempts(retryAfter);
        JoinRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<JoinRequest>(http.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Problems.BadRequest("The body must be JSON: {\"token\": ..., \"address\": ..., \"peer_address\": ...}.");
        }
        var (token, error) = JoinToken.Verify(request?.Token, PeerSecret.SecretsOf(options.Value), time);
        if (token is null) return Refused(limiter, address, error!);
        if (request!.Address is null || !Uri.TryCreate(request.Address, UriKind.Absolute, out var rest) || rest.Scheme is not ("http" or "https"))
            return Problems.BadRequest("\"address\" must be the joining node's REST URL.");
        if (!NodeOptionsValidator.IsHostPort(request.PeerAddress)) return Problems.BadRequest("\"peer_address\" must be the joining node's host:port.");
        if (!node.IsMember) return Problems.Problem(409, "Not a member", "not-a-member", "This node is waiting to be added itself; ask a member.");
        // A spent token is refused here already when this member's record shows it, so the attempt counts against
        // the caller; the metadata leader's check below is the authoritative one (it sees the forwarding member,
        // not the caller, and so never counts the failure against that member's address).
        var forwarded = LeaderForwarder.HopsOf(http.Request) > 0;
        if (node.Cluster.JoinTokens.TryGetValue(token.Id, out var use) && use.PeerAddresses.Count >= use.Uses && !use.PeerAddresses.Contains(request.PeerAddress!))
            return Refused(forwarded ? null : limiter, address, $"{JoinTokenRules.UsedUp} {use.PeerAddresses.Count} time(s), all it allows");

        var body = JsonSerializer.SerializeToUtf8Bytes(request);
        return await dispatcher.DispatchAsync(http, (int)CacheNode.MetadataGroup, isWrite: true, ReadConsistency.Linearizable, async (_, _, ct) =>
        {
            var command = new AdmitWithJoinTokenCommand(request.PeerAddress!, rest.ToString().TrimEnd('/'), token.Id, token.Expires.ToUnixTimeSeconds(), token.Uses);
            var outcome = await node.ProposeMetadataAsync(command, ct);
            if (outcome.Status == ProposalStatus.NotApplied) return RouteAgain.Here; // leadership moved
            if (outcome.Result.Member is not { } added) return Problems.Unavailable("The admission may or may not have been recorded; retrying with the same token is safe.", mayHaveApplied: true);
            if (added.Error is { } refused)
            {
                return refused.StartsWith(JoinTokenRules.UsedUp, StringComparison.Ordinal)
                    ? Refused(forwarded ? null : limiter, address, refused)
                    : Problems.Problem(409, "Member refused", "member-refused", refused);
            }
            return TypedResults.Ok(JoinOfferView.Of(new JoinOffer(node.Cluster.ClusterId, added.Id, node.MemberPeers())));
        }, body);
    }

    private static IResult Refused(AuthFailureLimiter? limiter, System.Net.IPAddress? address, string reason)
    {
        limiter?.RecordFailure(address);
        return AuthResponses.Unauthorized($"Join refused: {reason}.", invalidCredentials: true);
    }
}

/// <summary>What a node with a join token sends: the token, and the addresses it is reached at.</summary>
public sealed record JoinRequest(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("peer_address")] string? PeerAddress);

public sealed record MintJoinTokenRequest(
    [property: JsonPropertyName("ttl_seconds")] long? TtlSeconds,
    [property: JsonPropertyName("uses")] int? Uses);

public sealed record MintJoinTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("uses")] int Uses);
