// Copyright (c) RaftCache contributors. Licensed under the MIT License.

namespace RaftCache.Node.Configuration;

/// <summary>Settings for running under an orchestrator: advertised addresses, self-admission, draining on scale-down.</summary>
public sealed partial class NodeOptions
{
    /// <summary>
    /// The peer address other members dial (host:port, a DNS name allowed), when it differs from
    /// <see cref="PeerListen"/> (a pod listens on 0.0.0.0 and is reached by its stable DNS name).
    /// </summary>
    public string? PeerAdvertise { get; set; }

    /// <summary>The REST URL other members and the gateway use, when it differs from <see cref="Listen"/>.</summary>
    public string? AdvertiseUrl { get; set; }

    /// <summary>The peer address this node is known by: <see cref="PeerAdvertise"/>, else <see cref="PeerListen"/>.</summary>
    public string AdvertisedPeer => PeerAdvertise ?? PeerListen;

    /// <summary>The REST URL this node is known by: <see cref="AdvertiseUrl"/>, else <see cref="Listen"/>.</summary>
    public string AdvertisedUrl => (AdvertiseUrl ?? Listen).TrimEnd('/');

    /// <summary>A join token (docs/operations.md): with <see cref="Join"/>, the empty node asks to be admitted itself.</summary>
    public string? JoinToken { get; set; }

    /// <summary>A file holding the join token (trailing whitespace ignored). Give this or <see cref="JoinToken"/>.</summary>
    public string? JoinTokenFile { get; set; }

    /// <summary>How long an empty node keeps asking to be admitted while no member answers, before it gives up (exit code 1).</summary>
    public int JoinTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// The name of the Kubernetes StatefulSet this node is a pod of. On SIGTERM the node asks the API server for the
    /// StatefulSet's replicas; a pod whose ordinal is not below it is being scaled away and drains itself first.
    /// </summary>
    public string? KubernetesStatefulSet { get; set; }

    /// <summary>The Kubernetes API server URL (default: from KUBERNETES_SERVICE_HOST/PORT, as inside a pod).</summary>
    public string? KubernetesApiUrl { get; set; }

    /// <summary>Folder with the service account's token, ca.crt and namespace files.</summary>
    public string KubernetesServiceAccountDir { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>How long a pod being scaled away waits for its drain to finish before it stops anyway.</summary>
    public int DrainTimeoutSeconds { get; set; } = 300;
}
