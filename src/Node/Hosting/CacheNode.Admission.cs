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
    /// <item>every other id is admitted, named by the record or not. An id the record does not name can be a member
    /// added while this node's record is behind (it was down during the join, or it is still catching up), and that
    /// member may be the metadata leader this node must hear from to catch up: refusing it would leave this node stale
    /// for good. Members may choose their ids, so a later member's id need not be above the ids given out before it;
    /// the cluster secret, not the id, is what keeps strangers out.</item>
    /// </list>
    /// </summary>
    private Func<ulong, PeerAdmission> AdmissionRule(NodeIdentity identity)
    {
        var clusterId = identity.ClusterId;
        return node => _metadata.Current.RemovedIds.Contains(node) ? PeerAdmission.Removed(node, clusterId) : PeerAdmission.Admit;
    }
}
