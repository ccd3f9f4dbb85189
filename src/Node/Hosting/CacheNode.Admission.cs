// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using RaftCache.Node.Transport;

namespace RaftCache.Node.Hosting;

public sealed partial class CacheNode
{
    /// <summary>
    /// Which proven peers may send this node frames (<see cref="TcpPeerTransport.Admission"/>): the members of the
    /// metadata group's current record, plus the founders (before the first record is applied, and as a floor
    /// until membership changes can remove them). Reads the immutable record once per connection, so it is
    /// thread-safe and never blocks the transport.
    /// Membership changes extend this rule: a removed id answers <see cref="PeerAdmission.Removed"/>, and a member
    /// being added is admitted from the moment the metadata group records it as joining.
    /// </summary>
    private Func<ulong, PeerAdmission> AdmissionRule(NodeIdentity identity)
    {
        var founders = identity.Founders.Select(f => f.Id).ToHashSet();
        var clusterId = identity.ClusterId;
        return node =>
            founders.Contains(node) || _metadata.Current.Members.ContainsKey(node)
                ? PeerAdmission.Admit
                : PeerAdmission.Unknown(node, clusterId);
    }
}
