// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;

namespace RaftCache.Node.Hosting;

public sealed partial class CacheNode
{
    /// <summary>
    /// Which proven peers (they showed the cluster secret) may send this node frames
    /// (<see cref="TcpPeerTransport.Admission"/>). Read once per connection from the immutable record, so it is
    /// thread-safe and never blocks the transport:
    /// <list type="bullet">
    /// <item>a removed id is refused with the reason "wipe its data folder and add it again", always;</item>
    /// <item>a member of the record is admitted, and so is a member this node was told of when it founded or joined
    /// the cluster: its record may not reach that member's admission yet, and ids need not be given in order (an
    /// operator may choose one), so the next rule alone would refuse a metadata leader with a lower id;</item>
    /// <item>an id above every id this record has given out is admitted: it can only be a member added while this
    /// node's record is behind (say it was down during the join), and that member may be the metadata leader this
    /// node must hear from to catch up; refusing it would leave this node stale for good;</item>
    /// <item>any other id is one the cluster never gave to a live member, and is refused.</item>
    /// </list>
    /// </summary>
    private Func<ulong, PeerAdmission> AdmissionRule(NodeIdentity identity)
    {
        var founders = identity.Founders.Select(f => f.Id).ToHashSet();
        var clusterId = identity.ClusterId;
        return node =>
        {
            var record = _metadata.Current;
            if (record.RemovedIds.Contains(node)) return PeerAdmission.Removed(node, clusterId);
            if (record.Members.ContainsKey(node) || founders.Contains(node)) return PeerAdmission.Admit;
            if (!record.IsBootstrapped) return PeerAdmission.Unknown(node, clusterId);
            return node >= record.NextMemberId ? PeerAdmission.Admit : PeerAdmission.Unknown(node, clusterId);
        };
    }
}
