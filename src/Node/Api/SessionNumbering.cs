// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using RaftCache.StateMachine;

namespace RaftCache.Node.Api;

/// <summary>
/// Numbers the writes of one client of the cluster (a random client id per process): each write gets its own
/// sequence and keeps it across every attempt, so a write sent again after a failure applies at most once. The lowest
/// sequence still open tells the replicas which stored results they may forget. The gateway numbers the writes it
/// passes on this way (members accept a client-supplied session header, docs/security.md), and so does each node for
/// the writes it proposes or forwards for its callers.
/// </summary>
public sealed class SessionNumbering
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
