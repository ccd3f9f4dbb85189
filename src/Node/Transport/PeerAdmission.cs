// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Transport;

/// <summary>What the node's membership says about a peer that proved it knows the cluster secret.</summary>
public enum PeerAdmissionKind
{
    /// <summary>A member (or a founder not yet recorded): its frames are accepted.</summary>
    Admit = 0,

    /// <summary>Not a member this node knows of (yet): refused; it may be admitted later, once the membership names it.</summary>
    Unknown = 1,

    /// <summary>Was a member and was removed: refused for good; the reason tells its operator what to do.</summary>
    Removed = 2,
}

/// <summary>
/// The verdict of a <see cref="TcpPeerTransport.Admission"/> rule for one node id. <see cref="Reason"/> is sent to
/// the refused peer (which logs it) and logged here, so it should say what the peer's operator can do.
/// </summary>
public readonly record struct PeerAdmission(PeerAdmissionKind Kind, string Reason)
{
    public static PeerAdmission Admit { get; } = new(PeerAdmissionKind.Admit, "");

    public bool IsAdmitted => Kind == PeerAdmissionKind.Admit;

    public static PeerAdmission Unknown(ulong node, ulong clusterId) =>
        new(PeerAdmissionKind.Unknown, $"node {node} is not a member of cluster {clusterId:x}: add it to the cluster first");

    public static PeerAdmission Removed(ulong node, ulong clusterId) =>
        new(PeerAdmissionKind.Removed, $"node {node} was removed from cluster {clusterId:x}: wipe its data folder and add it again");
}
