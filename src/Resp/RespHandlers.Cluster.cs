// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;

namespace RaftCache.Resp;

/// <summary>
/// CLUSTER in cluster mode (<c>--resp-cluster</c>): each shard is a Redis "shard" of one slot range whose master is
/// the Raft leader, so a cluster-aware client sends every key to its leader. In proxy mode CLUSTER is disabled, so
/// such clients stay standalone and any node serves any key.
/// </summary>
public static partial class RespHandlers
{
    internal static async Task Cluster(RespSession s, byte[][] args)
    {
        if (!s.Options.ClusterMode)
        {
            s.Writer.Error(RespErrors.ClusterDisabled);
            return;
        }

        switch (Word(args[1]))
        {
            case "KEYSLOT" when args.Length == 3:
                s.Writer.Integer(s.Backend.SlotOfKey(args[2]));
                break;
            case "MYID":
                s.Writer.Bulk(NodeName(s.Backend.NodeId));
                break;
            case "INFO":
                var shards = await Topology();
                s.Writer.Verbatim($"cluster_enabled:1\r\ncluster_state:{(shards.All(x => x.Leader is not null) ? "ok" : "fail")}\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:{shards.SelectMany(Nodes).DistinctBy(n => n.Id).Count()}\r\ncluster_size:{shards.Count}\r\n");
                break;
            case "SLOTS":
                WriteSlots(s, await Topology());
                break;
            case "SHARDS":
                WriteShards(s, await Topology());
                break;
            case "NODES":
                s.Writer.Verbatim(NodesText(s, await Topology()));
                break;
            default:
                s.Writer.Error(RespErrors.UnknownSubcommand("cluster", Encoding.UTF8.GetString(args[1])));
                break;
        }

        // Only the commands that describe the topology wait for shard leaders and members' addresses
        // (IRespBackend.ShardsAsync).
        Task<IReadOnlyList<RespShard>> Topology() => s.Backend.ShardsAsync(s.Aborted);
    }

    private static IEnumerable<RespNodeAddress> Nodes(RespShard shard) => shard.Leader is { } leader ? shard.Replicas.Prepend(leader) : shard.Replicas;

    /// <summary>Redis node ids are 40 hex characters; RaftCache's member id, padded.</summary>
    internal static string NodeName(ulong id) => id.ToString("x40", CultureInfo.InvariantCulture);

    private static void WriteSlots(RespSession s, IReadOnlyList<RespShard> shards)
    {
        var served = shards.Where(x => x.Leader is not null).ToArray();
        s.Writer.Array(served.Length);
        foreach (var shard in served)
        {
            var replicas = shard.Replicas.Where(r => r.Id != shard.Leader!.Id).ToArray();
            s.Writer.Array(3 + replicas.Length);
            s.Writer.Integer(shard.FirstSlot);
            s.Writer.Integer(shard.LastSlot);
            foreach (var node in replicas.Prepend(shard.Leader!))
            {
                s.Writer.Array(3);
                s.Writer.Bulk(node.Host);
                s.Writer.Integer(node.Port);
                s.Writer.Bulk(NodeName(node.Id));
            }
        }
    }

    private static void WriteShards(RespSession s, IReadOnlyList<RespShard> shards)
    {
        s.Writer.Array(shards.Count);
        foreach (var shard in shards)
        {
            var nodes = Nodes(shard).DistinctBy(n => n.Id).ToArray();
            s.Writer.Map(2);
            s.Writer.Bulk("slots");
            s.Writer.Array(2);
            s.Writer.Integer(shard.FirstSlot);
            s.Writer.Integer(shard.LastSlot);
            s.Writer.Bulk("nodes");
            s.Writer.Array(nodes.Length);
            foreach (var node in nodes)
            {
                s.Writer.Map(5);
                s.Writer.Bulk("id"); s.Writer.Bulk(NodeName(node.Id));
                s.Writer.Bulk("port"); s.Writer.Integer(node.Port);
                s.Writer.Bulk("ip"); s.Writer.Bulk(node.Host);
                s.Writer.Bulk("role"); s.Writer.Bulk(node.Id == shard.Leader?.Id ? "master" : "replica");
                s.Writer.Bulk("health"); s.Writer.Bulk("online");
            }
        }
    }

    /// <summary>
    /// CLUSTER NODES lists every member once. A member leading several shards lists all their slot ranges; a member
    /// leading none is listed as a replica of the first shard it holds, which is how Redis describes such a node.
    /// </summary>
    private static string NodesText(RespSession s, IReadOnlyList<RespShard> shards)
    {
        var text = new StringBuilder();
        foreach (var node in shards.SelectMany(Nodes).DistinctBy(n => n.Id).OrderBy(n => n.Id))
        {
            var led = shards.Where(x => x.Leader?.Id == node.Id).ToArray();
            var myself = node.Id == s.Backend.NodeId ? "myself," : "";
            text.Append(NodeName(node.Id)).Append(' ').Append(node.Host).Append(':').Append(node.Port).Append('@').Append(node.Port + 10000).Append(' ');
            if (led.Length > 0)
            {
                text.Append(myself).Append("master - 0 0 1 connected");
                foreach (var shard in led) text.Append(' ').Append(shard.FirstSlot).Append('-').Append(shard.LastSlot);
            }
            else
            {
                var master = shards.FirstOrDefault(x => x.Replicas.Any(r => r.Id == node.Id) && x.Leader is not null)?.Leader;
                text.Append(myself).Append("slave ").Append(master is null ? "-" : NodeName(master.Id)).Append(" 0 0 1 connected");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
