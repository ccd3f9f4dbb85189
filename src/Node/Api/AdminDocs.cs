// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>OpenAPI documentation of /admin, in line with API.md.</summary>
internal static class AdminDocs
{
    public static readonly EndpointDoc Cluster = new(
        "The cluster as this node sees it",
        "Members (id, REST address, peer address, state, last heartbeat heard by this node), every shard (slot range, " +
        "leader, term, replicas with role, commit and applied index of this node's replica and the leader's match index " +
        "of the others, configuration incl. joint state, key count, bytes and state hash of this node's replica) and the " +
        "metadata group's leader. Replicas of the same shard converge: equal applied index ⇒ equal state hash.",
        ResponseExamples: new Dictionary<int, string>
        {
            [200] = """{"node_id":1,"cluster_id":"5f0c2a7d9e13b4c1","metadata_leader":2,"members":[{"id":1,"address":"http://127.0.0.1:5001","peer_address":"127.0.0.1:6001","state":"active","last_heartbeat":"2026-11-21T22:00:00Z"}],"shards":[{"id":1,"slots":[0,1023],"leader":1,"term":3,"replicas":[{"id":1,"role":"leader","commit_index":120,"applied_index":120,"match_index":120,"snapshot_index":100,"first_index":81,"snapshots_installed":0}],"configuration":{"voters":[1,2,3],"voters_outgoing":[],"learners":[],"joint":false},"keys":42,"bytes":51234,"state_hash":"9a3f…"}]}""",
        });

    public static readonly EndpointDoc Keys = new(
        "List keys page by page, across all shards",
        "Keys of every shard, in shard order and a stable order within a shard. A shard this node holds a replica of is " +
        "read here, any other from a member holding one (as a local read: possibly stale). Pass next_cursor back as " +
        "cursor for the next page; limit defaults to 100 and a limit above MaxKeysPerPage (default 1000) is clamped to it. " +
        "shards_unavailable names shards no replica of which answered (skipped in this page; ask again).",
        ResponseExamples: new Dictionary<int, string>
        {
            [200] = """{"keys":[{"key":"session:42","version":1017,"expiration_date":"2026-12-01T10:00:00.000Z","size":35}],"next_cursor":"3.c2Vzc2lvbjo0Mg","shards_unavailable":[]}""",
        },
        Errors: new Dictionary<int, string> { [400] = "A limit below 1, or a cursor this API did not return." });

    public static readonly EndpointDoc ShardKeys = new(
        "List one shard's keys from this node's replica",
        "Like GET /admin/keys for one shard, read from this node's own replica only (GET /admin/keys calls it on the " +
        "members holding the shards it does not). The cursor is one this API or GET /admin/keys returned for this shard.",
        ResponseExamples: new Dictionary<int, string>
        {
            [200] = """{"keys":[{"key":"session:42","version":1017,"expiration_date":"2026-12-01T10:00:00.000Z","size":35}],"next_cursor":null,"shards_unavailable":[]}""",
        },
        Errors: new Dictionary<int, string> { [400] = "A limit below 1, or a cursor of another shard.", [404] = "No such shard, or this node holds no replica of it." });

    public static readonly EndpointDoc Dump = new(
        "Dump this node's replicas (debugging)",
        "Every replica this node holds, as GET /admin/cluster shows it (role, term, indexes, keys, bytes, state hash), with " +
        "its first limit entries (default 100, clamped to MaxKeysPerPage; 0 for none) and their values: JSON values as " +
        "they are, others base64-encoded. next_cursor continues a replica's listing with GET /admin/shards/{id}/keys. " +
        "Compare two nodes' dumps of a shard to see where replicas differ.",
        ResponseExamples: new Dictionary<int, string>
        {
            [200] = """{"node_id":1,"replicas":[{"shard":{"id":1,"slots":[0,1023],"leader":1,"term":2,"replicas":[],"keys":1,"bytes":120,"state_hash":"9f2c…"},"entries":[{"key":"hello","version":3,"expiration_date":null,"content_type":"application/json","value":"world"}],"next_cursor":null}]}""",
        },
        Errors: new Dictionary<int, string> { [400] = "A negative limit." });

    public static readonly EndpointDoc Flush = new(
        "Flush every key",
        "Removes every key of every shard: one replicated flush command per shard, each through that shard's leader.",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"shards_flushed":16,"failed_shards":[]}""" },
        Errors: new Dictionary<int, string> { [503] = "Some shards were not confirmed flushed within the request timeout." });

    public static readonly EndpointDoc FlushShard = new(
        "Flush one shard",
        "Removes every key of one shard (a replicated command through its leader).",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"shards_flushed":1,"failed_shards":[]}""" },
        Errors: new Dictionary<int, string> { [404] = "No such shard.", [503] = "Not confirmed within the request timeout." });

    public static readonly EndpointDoc Snapshot = new(
        "Snapshot every shard on this node",
        "Starts a snapshot (and log compaction) of every Raft group this node holds a replica of.",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"snapshots_started":17}""" });

    public static readonly EndpointDoc TransferLeader = new(
        "Move a shard's leadership",
        "Asks the shard's leader to hand leadership to the given member (which must hold a replica) and waits until it moved. The member becomes the shard's preferred leader, so balancing keeps it there; with leaders following the load (--leaders-follow-load, the default) the leadership still moves to a member that brings at least twice the shard's writes and lease reads.",
        RequestExample: """{"to": "2"}""",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"shard":3,"leader":2}""" },
        Errors: new Dictionary<int, string>
        {
            [400] = "\"to\" is not a member id.",
            [404] = "No such shard.",
            [409] = "The member holds no replica of the shard.",
            [503] = "Leadership did not move within the timeout.",
        });
}
