// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Api;

/// <summary>OpenAPI text of the membership endpoints.</summary>
internal static class MemberDocs
{
    private const string StatusExample = """
        {"id":4,"address":"http://127.0.0.1:5004","peer_address":"127.0.0.1:6004","state":"joining","last_heartbeat":"2026-11-22T10:00:00Z",
         "replicas":[],"preferred_leader_of":[],"moves":[{"shard":3,"from":[1,2,3],"to":[1,2,4]}],
         "learners":[{"shard":3,"member":4,"match_index":120,"lag":880,"state":"snapshot"}],"status":"/admin/members/4"}
        """;

    public static readonly EndpointDoc Add = new(
        "Add a member",
        "Adds a running, empty node (started with --join) as a member: it becomes a learner, then a voter of the metadata group, " +
        "and the placement controller then moves shard replicas onto it (learner catch-up by snapshot and log, then a joint-consensus " +
        "swap), a bounded number of shards at a time, until replicas and leaders are balanced. Answers 202 once the member is recorded; " +
        "follow the status link. Repeating the request for the same node is safe.",
        RequestExample: """{"address": "http://127.0.0.1:5004"}""",
        ResponseExamples: new Dictionary<int, string> { [202] = StatusExample },
        Errors: new Dictionary<int, string>
        {
            [400] = "The address is not an http(s) URL, or the id is not positive.",
            [409] = "The node already belongs to another cluster, or the id is taken or was removed.",
            [502] = "The new node could not be reached or refused the admission (retrying is safe).",
            [503] = "No metadata leader within the request timeout.",
        });

    public static readonly EndpointDoc Get = new(
        "A member's state and moves",
        "The member as the metadata group records it (joining, active, leaving; down when the metadata leader has not heard from it for " +
        "the down time; removed), the shards it holds and should lead, shard moves that involve it, and the catch-up lag of its " +
        "learners in shards this node leads.",
        ResponseExamples: new Dictionary<int, string> { [200] = StatusExample },
        Errors: new Dictionary<int, string> { [400] = "Not a member id.", [404] = "No such member." });

    public static readonly EndpointDoc Remove = new(
        "Drain and remove a member",
        "Drains the member (its replicas move to others through joint consensus and its leaderships are handed over), then removes " +
        "it from the metadata group and the cluster for good: its id is never admitted again. Answers 202; follow the status link.",
        ResponseExamples: new Dictionary<int, string> { [202] = StatusExample },
        Errors: new Dictionary<int, string>
        {
            [404] = "No such member.",
            [409] = "Removing it would leave fewer members than the replication factor, or break the metadata group's quorum.",
            [503] = "No metadata leader within the request timeout.",
        });

    public static readonly EndpointDoc JoinInfo = new(
        "This node's join state",
        "Asked by the member admitting this node: whether it waits to be added or is a member, and its peer address.",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"state":"waiting","node_id":0,"cluster_id":"0000000000000000","peer_address":"127.0.0.1:6004","address":"http://127.0.0.1:5004"}""" });

    public static readonly EndpointDoc Accept = new(
        "Admit this node",
        "Sent by the member that added this node: the cluster, the id it was given and the members to reach. Refused unless this node " +
        "was started with --join and is still empty (or the same offer is repeated).",
        RequestExample: """{"cluster_id":"9f3c2a1b00d4e5f6","node_id":4,"members":[{"id":1,"peer_address":"127.0.0.1:6001"}]}""",
        ResponseExamples: new Dictionary<int, string> { [200] = """{"state":"member","node_id":4,"cluster_id":"9f3c2a1b00d4e5f6","peer_address":"127.0.0.1:6004","address":"http://127.0.0.1:5004"}""" },
        Errors: new Dictionary<int, string> { [400] = "Malformed offer.", [409] = "Already a member, or not started with --join." });
}
