// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>OpenAPI text of the join-token endpoints.</summary>
internal static class JoinDocs
{
    public static readonly EndpointDoc Request = new(
        "Admit a node with a join token",
        "Sent by an empty node started with --join and a join token: the metadata leader records it as a joining member (the next unused id) " +
        "and counts one use of the token, and the answer is the admission the node then accepts (its id, the cluster, the members to reach). " +
        "The token is the credential: a malformed, wrong, expired or spent one is answered 401 and counts as a failed attempt of the caller, " +
        "like a wrong API key. A node asking again with the same token and peer address gets the same id and uses nothing more.",
        RequestExample: """{"token":"rcj1.1796000000.3.Qm9vdHN0cmFwX2lk.…","address":"http://127.0.0.15:5001","peer_address":"127.0.0.15:6001"}""",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"cluster_id":"9f3c2a1b00d4e5f6","node_id":4,"members":[{"id":1,"peer_address":"127.0.0.12:6001"}]}""" },
        Errors: new Dictionary<int, string>
        {
            [400] = "Malformed body or addresses.",
            [401] = "The join token is malformed, not signed with this cluster's secret, expired, or already used as often as it allows.",
            [409] = "The peer address belongs to another member, or this node is not a member itself.",
            [429] = "Too many failed attempts from this address.",
            [503] = "No metadata leader within the request timeout (retrying with the same token is safe).",
        });

    public static readonly EndpointDoc Mint = new(
        "Mint a join token",
        "A join token signed with this cluster's secret, valid for ttl_seconds (default 86400) and for uses distinct nodes (default 1). " +
        "Tokens are not stored: any member checks one from its signature; the metadata group counts the uses.",
        RequestExample: """{"ttl_seconds":3600,"uses":3}""",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"token":"rcj1.1796000000.3.Qm9vdHN0cmFwX2lk.…","expires":"2026-12-07T05:00:00+00:00","uses":3}""" },
        Errors: new Dictionary<int, string> { [400] = "ttl_seconds or uses out of range.", [409] = "The node runs without a cluster secret." });
}
