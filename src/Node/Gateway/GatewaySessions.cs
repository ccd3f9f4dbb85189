// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using RaftCache.StateMachine;

namespace RaftCache.Node.Gateway;

/// <summary>
/// The gateway numbers the writes it passes on as one client of the cluster (a random client id per gateway
/// process), so a write it sends again to another member after a failure carries the same session and applies at
/// most once. The members accept a client-supplied session header (docs/security.md). The lowest open sequence
/// tells the replicas which stored results they may forget.
/// </summary>
public sealed class GatewaySessions
{
    private readonly SortedSet<ulong> _open = [];
    private readonly Lock _gate = new();
    private readonly ulong _clientId = NonZero();
    private ulong _next;

    public ClientSession Open()
    {
        lock (_gate)
        {
            var sequence = ++_next;
            _open.Add(sequence);
            return new ClientSession(_clientId, sequence, _open.Min);
        }
    }

    public void Close(ClientSession session)
    {
        lock (_gate) _open.Remove(session.Sequence);
    }

    private static ulong NonZero()
    {
        while (true)
        {
            var id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
            if (id != 0) return id;
        }
    }
}
