// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Serialization;
using RaftCache.Node.Requests;
using RaftCache.Node.Hosting;
using RaftCache.Node.Metadata;
using RaftCache.Node.Security;

namespace RaftCache.Node.Api;

/// <summary>
/// Listing and revoking API keys (docs/security.md, "Revocation"). A revocation is a metadata command, so it reaches
/// every node through the metadata group: each refuses the key and every token issued for it once it applies it
/// (within a heartbeat or two), with no shared store to ask on each request.
/// </summary>
public static class ApiKeysEndpoints
{
    public static void MapApiKeys(this RouteGroupBuilder admin)
    {
        admin.MapGet("/api-keys", (ApiKeyStore keys) => TypedResults.Ok(keys.Identities.Select(k => ApiKeyView.Of(k, keys.Revoked)).ToArray()))
            .WithName("ListApiKeys")
            .WithDocs(new EndpointDoc("API keys of this node", "Every API key this node accepts (configuration and keys file), by name, role and key id (a fingerprint, safe to show), and whether the cluster revoked it.",
                ResponseExamples: new Dictionary<int, string> { [200] = """[{"name": "ops", "role": "admin", "key_id": "3f2a9c0d11e47b52", "revoked": false}]""" }));
        admin.MapPost("/api-keys/revoke", RevokeAsync)
            .WithName("RevokeApiKeys")
            .WithDocs(new EndpointDoc("Revoke API keys", "Revokes keys by key id, or by name (the ids this node knows under that name), on every node: the keys and every token issued for them stop working within about a second. For good; idempotent.",
                RequestExample: """{"key_ids": ["3f2a9c0d11e47b52"]}""",
                ResponseExamples: new Dictionary<int, string> { [200] = """{"revoked": ["3f2a9c0d11e47b52"]}""" },
                Errors: new Dictionary<int, string> { [400] = "Neither key_ids nor names given, a malformed id, or a name this node does not know.", [503] = "No metadata leader within the request timeout; retrying is safe." }));
    }

    private static Task<IResult> RevokeAsync(RevokeRequest request, HttpContext http, CacheNode node, ApiKeyStore keys, RequestDispatcher dispatcher)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in request.KeyIds ?? [])
        {
            if (id.Length != 16 || !id.All(char.IsAsciiHexDigitLower)) return Task.FromResult(Problems.BadRequest($"\"{id}\" is not a key id (16 lower-case hex digits, as GET /admin/api-keys lists them)."));
            ids.Add(id);
        }
        foreach (var name in request.Names ?? [])
        {
            var named = keys.Identities.Where(k => k.Name == name).Select(k => k.KeyId).ToArray();
            if (named.Length == 0) return Task.FromResult(Problems.BadRequest($"No API key named \"{name}\" on this node; give its key id instead."));
            ids.UnionWith(named);
        }
        if (ids.Count == 0) return Task.FromResult(Problems.BadRequest("Give \"key_ids\" or \"names\" of the keys to revoke."));
        if (!node.IsMember) return Task.FromResult(Problems.Unavailable("This node is not a member of a cluster yet.", mayHaveApplied: false));
        var command = new RevokeApiKeysCommand([.. ids]);
        return dispatcher.DispatchAsync(http, (int)CacheNode.MetadataGroup, isWrite: true, ReadConsistency.Linearizable, async (_, _, ct) =>
        {
            // Idempotent (a set union), so a proposal whose fate is unknown is simply made again.
            var outcome = await node.ProposeMetadataAsync(command, ct);
            return outcome.Status == ProposalStatus.Applied ? TypedResults.Ok(new RevokeResponse([.. ids.Order(StringComparer.Ordinal)])) : RouteAgain.Here;
        }, JsonSerializer.SerializeToUtf8Bytes(request));
    }
}

public sealed record RevokeRequest(
    [property: JsonPropertyName("key_ids")] IReadOnlyList<string>? KeyIds,
    [property: JsonPropertyName("names")] IReadOnlyList<string>? Names);

public sealed record RevokeResponse([property: JsonPropertyName("revoked")] IReadOnlyList<string> Revoked);

public sealed record ApiKeyView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("revoked")] bool Revoked)
{
    public static ApiKeyView Of(CallerIdentity key, IReadOnlySet<string> revoked) => new(key.Name, key.Role, key.KeyId, revoked.Contains(key.KeyId));
}
